"""GraphCast's forcings at any time: year and day progress, TOA incident solar radiation.

Follows google-deepmind/graphcast at commit 08cf736:

- graphcast/data_utils.py: get_year_progress (seconds since the UNIX epoch / 86400 / 365.24219,
  mod 1, float32), get_day_progress ((seconds mod 86400) / 86400 + lon_radians / 2pi, mod 1,
  float32, per longitude), featurize_progress (sin and cos of progress * 2pi, computed on the
  float32 progress). Dimensions: year_progress_* (batch, time), day_progress_* (batch, time, lon).
- graphcast/solar_radiation.py: get_toa_incident_solar_radiation with its defaults: the ERA5 TSI
  table (era5_tsi_data, yearly values interpolated at the fractional year), orbital parameters
  from J2000 days, instantaneous flux tsi * (1/r)^2 * max(sin(altitude), 0), integrated over the
  hour ending at the timestamp with the trapezoidal rule on 360 bins (361 points, dx = 10 s);
  result in J m-2.

One difference, stated: graphcast evaluates the radiation in JAX, which without jax_enable_x64
computes in float32 (J2000 days near 8,000 carry ~1e-3 day of rounding). This module computes it
in float64, the formula's intended value, which a C++ implementation can reproduce; the two
differ by about 1e-3 relative where the sun is up. Datasets written by make_dataset.py carry
these float64-computed values, rounded to float32.
"""

import numpy as np

SEC_PER_DAY = 86400
AVG_DAY_PER_YEAR = 365.24219
J2000_EPOCH_JULIAN_DAY = 2451545.0
UNIX_EPOCH_JULIAN_DAY = 2440587.5
# 2000-01-01T12:00:00 in seconds since the UNIX epoch: Julian day 2451545.0.
J2000_EPOCH_UNIX_SECONDS = int((J2000_EPOCH_JULIAN_DAY - UNIX_EPOCH_JULIAN_DAY) * SEC_PER_DAY)
JULIAN_YEAR_LENGTH_IN_DAYS = 365.25

_ERA5_TSI_YEARS = np.arange(1951.5, 2035.5, 1.0)
_ERA5_TSI = 0.9965 * np.array([
    1365.7765, 1365.7676, 1365.6284, 1365.6564, 1365.7773,
    1366.3109, 1366.6681, 1366.6328, 1366.3828, 1366.2767,
    1365.9199, 1365.7484, 1365.6963, 1365.6976, 1365.7341,
    1365.9178, 1366.1143, 1366.1644, 1366.2476, 1366.2426,
    1365.9580, 1366.0525, 1365.7991, 1365.7271, 1365.5345,
    1365.6453, 1365.8331, 1366.2747, 1366.6348, 1366.6482,
    1366.6951, 1366.2859, 1366.1992, 1365.8103, 1365.6416,
    1365.6379, 1365.7899, 1366.0826, 1366.6479, 1366.5533,
    1366.4457, 1366.3021, 1366.0286, 1365.7971, 1365.6996,
    1365.6121, 1365.7399, 1366.1021, 1366.3851, 1366.6836,
    1366.6022, 1366.6807, 1366.2300, 1366.0480, 1365.8545,
    1365.8107, 1365.7240, 1365.6918,
    1365.6121, 1365.7399, 1366.1021, 1366.3851, 1366.6836,
    1366.6022, 1366.6807, 1366.2300, 1366.0480, 1365.8545,
    1365.8107, 1365.7240, 1365.6918,
    1365.6121, 1365.7399, 1366.1021, 1366.3851, 1366.6836,
    1366.6022, 1366.6807, 1366.2300, 1366.0480, 1365.8545,
    1365.8107, 1365.7240, 1365.6918,
])


def year_progress(seconds_since_epoch):
    seconds = np.asarray(seconds_since_epoch, dtype=np.int64)
    years = seconds / SEC_PER_DAY / np.float64(AVG_DAY_PER_YEAR)
    return np.mod(years, 1.0).astype(np.float32)


def day_progress(seconds_since_epoch, longitude):
    """[..., lon] day progress, as get_day_progress (longitude in degrees, float32 as in data)."""
    seconds = np.asarray(seconds_since_epoch, dtype=np.int64)
    greenwich = np.mod(seconds, SEC_PER_DAY) / SEC_PER_DAY
    offsets = np.deg2rad(np.asarray(longitude)) / (2 * np.pi)
    return np.mod(greenwich[..., np.newaxis] + offsets, 1.0).astype(np.float32)


def featurize(progress):
    phase = progress * (2 * np.pi)  # float32 progress stays float32, as in featurize_progress
    return np.sin(phase), np.cos(phase)


def _fractional_year(seconds):
    """Year + (day of year - 1 + day fraction) / year length, as solar_radiation.get_tsi."""
    day = np.datetime64(int(seconds // SEC_PER_DAY), "D")
    year = day.astype("datetime64[Y]")
    year_number = int(str(year))
    day_of_year = int((day - year.astype("datetime64[D]")).astype(np.int64)) + 1
    leap = (year_number % 4 == 0 and year_number % 100 != 0) or year_number % 400 == 0
    day_fraction = (seconds % SEC_PER_DAY) / SEC_PER_DAY
    return year_number + (day_of_year - 1 + day_fraction) / (365 + int(leap))


def total_solar_irradiance(seconds):
    return float(np.interp(_fractional_year(int(seconds)), _ERA5_TSI_YEARS, _ERA5_TSI))


def _orbital_parameters(j2000_days):
    theta = j2000_days / JULIAN_YEAR_LENGTH_IN_DAYS
    rotational_phase = j2000_days % 1.0
    rel = 1.7535 + 6.283076 * theta
    rem = 6.240041 + 6.283020 * theta
    rlls = 4.8951 + 6.283076 * theta
    rllls = (4.8952 + 6.283320 * theta - 0.0075 * np.sin(rel) - 0.0326 * np.cos(rel)
             - 0.0003 * np.sin(2.0 * rel) + 0.0002 * np.cos(2.0 * rel))
    repsm = 0.409093
    sin_declination = np.sin(repsm) * np.sin(rllls)
    cos_declination = np.sqrt(1.0 - sin_declination ** 2)
    sin_rem = np.sin(rem)
    eq_of_time_seconds = (591.8 * np.sin(2.0 * rlls) - 459.4 * sin_rem
                          + 39.5 * sin_rem * np.cos(2.0 * rlls) - 12.7 * np.sin(4.0 * rlls)
                          - 4.8 * np.sin(2.0 * rem))
    solar_distance_au = 1.0001 - 0.0163 * np.sin(rel) + 0.0037 * np.cos(rel)
    return rotational_phase, sin_declination, cos_declination, eq_of_time_seconds, \
        solar_distance_au


def toa_incident_solar_radiation(seconds_since_epoch, latitude, longitude,
                                 integration_seconds=3600, bins=360):
    """[lat, lon] radiation integrated over the `integration_seconds` ending at the time (J m-2)."""
    seconds = int(seconds_since_epoch)
    tsi = total_solar_irradiance(seconds)
    # pandas' to_julian_date() - 2451545.0, formed from integer seconds to avoid the rounding
    # of a Julian day near 2.46e6.
    j2000_days = (seconds - J2000_EPOCH_UNIX_SECONDS) / SEC_PER_DAY
    offsets = np.linspace(-integration_seconds / SEC_PER_DAY, 0.0, bins + 1)
    days = j2000_days + offsets  # [bins+1]
    phase, sin_dec, cos_dec, eq_time, distance = _orbital_parameters(days)
    lat = np.radians(np.asarray(latitude, dtype=np.float64))[:, None, None]
    lon = np.radians(np.asarray(longitude, dtype=np.float64))[None, :, None]
    solar_time = phase + eq_time / SEC_PER_DAY
    hour_angle = 2.0 * np.pi * solar_time + lon
    sin_altitude = np.cos(lat) * cos_dec * np.cos(hour_angle) + np.sin(lat) * sin_dec
    flux = tsi * (1.0 / distance) ** 2 * np.maximum(sin_altitude, 0.0)  # [lat, lon, bins+1]
    dx = integration_seconds / bins
    return dx * (flux.sum(axis=-1) - 0.5 * (flux[..., 0] + flux[..., -1]))


def forcings_at(seconds_since_epoch, latitude, longitude):
    """All five forcings of GraphCast at one time: name -> array ([] , [lon] or [lat, lon])."""
    year = year_progress(np.array([seconds_since_epoch]))[0]
    day = day_progress(np.array([seconds_since_epoch]), longitude)[0]
    year_sin, year_cos = featurize(year)
    day_sin, day_cos = featurize(day)
    return {
        "toa_incident_solar_radiation": toa_incident_solar_radiation(
            seconds_since_epoch, latitude, longitude).astype(np.float32),
        "year_progress_sin": np.float32(year_sin),
        "year_progress_cos": np.float32(year_cos),
        "day_progress_sin": day_sin.astype(np.float32),
        "day_progress_cos": day_cos.astype(np.float32),
    }
