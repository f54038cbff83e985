#pragma once

// Reads a dataset in the layout of DeepMind's GraphCast example files
// (dm_graphcast/dataset/source-era5_date-2022-01-01_res-1.0_levels-13_steps-01.nc, written by
// xarray): dimensions batch, time, level, lat, lon; coordinates lat (ascending, −90…90), lon
// (0…360, eastwards), level (hPa), time (a timedelta) and datetime (batch, time) (the valid
// times); variables under graphcast's long names, atmospheric ones on (batch, time, level, lat,
// lon), surface ones and forcings on (batch, time, lat, lon), statics on (lat, lon).

#include "graphcast/GraphCastTypes.h"

#include <string>

namespace spreadcast::graphcast {

// Batch 0 of every variable on lat and lon; other variables (coordinates, bounds) are skipped.
// Packed variables (scale_factor, add_offset) are unpacked and fill values become NaN; a
// descending latitude axis is flipped to GraphCast's ascending order. Throws InputError naming the
// file, the variable and what was expected for a missing or malformed coordinate, a variable on
// other dimensions, or times that cannot be read.
Dataset readDataset(const std::string& path);

}  // namespace spreadcast::graphcast
