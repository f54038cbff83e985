"""GraphCast's three graphs and their structural features, in numpy only.

Follows google-deepmind/graphcast at commit 08cf736:

- graphcast/icosahedral_mesh.py: get_icosahedron (12 vertices in its order, scaled by
  1/|(1, phi)|, float32, rotated about y by (pi - dihedral angle)/2 with `np.dot(vertices, R)`),
  _two_split_unit_sphere_triangle_faces (for each face (i1, i2, i3) in order, the midpoints of
  (i1,i2), (i2,i3), (i3,i1) are added when new, normalised in float32; children
  [i1,i12,i31], [i12,i2,i23], [i31,i23,i3], [i12,i23,i31]), merge_meshes (faces of all levels
  concatenated, coarse first), faces_to_edges (senders = faces[:,0], faces[:,1], faces[:,2]
  concatenated; receivers = faces[:,1], faces[:,2], faces[:,0]).
- graphcast/grid_mesh_connectivity.py: radius_query_indices (grid point i -> every mesh vertex
  within straight-line distance <= radius, cKDTree.query_ball_point on float32 positions,
  several query points so the neighbours come sorted; edges ordered by grid index, then mesh
  index) and in_mesh_triangle_indices (each grid point -> the 3 vertices of its face, in the
  face's order).
- graphcast/graphcast.py: the query radius is radius_query_fraction_edge_length times the
  longest edge of the finest mesh (float32 lengths); grid nodes are meshgrid(lon, lat) flattened
  (index = lat_index * num_lon + lon_index); mesh lat/lon come from the float32 vertices.
- graphcast/model_utils.py: node features [cos(theta), cos(phi), sin(phi)] with
  theta = radians(90 - lat), phi = radians(lon) (float32); edge features
  [|d|, d] / max |d| where d = R(receiver) (sender - receiver) and R rotates the receiver to
  longitude 0 then latitude 0 (scipy from_euler("zy", [-phi, pi/2 - theta]), i.e. R_y @ R_z).
  graphcast casts these float64 edge features to float32 when it uses them.

The containing triangle: graphcast asks trimesh for the face closest to the grid point. A grid
point whose direction lies exactly on a mesh edge (at 10 and 1 degrees: longitudes 0 and 180
between the poles lie in a mirror plane of the icosahedron) touches two faces, and trimesh's
choice then depends on rounding. This module fixes the rule: a face (a, b, c) contains p when
det(a, b, p), det(b, c, p) and det(c, a, p), computed in float64 on the float32 vertices, are all
>= -1e-12; of the faces that contain p the one with the lowest index in the finest mesh's face
order is taken.
"""

import numpy as np


class TriangularMesh:
    def __init__(self, vertices, faces):
        self.vertices = vertices
        self.faces = faces


def _rotation_y(angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def icosahedron():
    phi = (1 + np.sqrt(5)) / 2
    vertices = []
    for c1 in [1.0, -1.0]:
        for c2 in [phi, -phi]:
            vertices.append((c1, c2, 0.0))
            vertices.append((0.0, c1, c2))
            vertices.append((c2, 0.0, c1))
    vertices = np.array(vertices, dtype=np.float32)
    vertices /= np.linalg.norm([1.0, phi])
    faces = [(0, 1, 2), (0, 6, 1), (8, 0, 2), (8, 4, 0), (3, 8, 2), (3, 2, 7), (7, 2, 1),
             (0, 4, 6), (4, 11, 6), (6, 11, 5), (1, 5, 7), (4, 10, 11), (4, 8, 10), (10, 8, 3),
             (10, 3, 9), (11, 10, 9), (11, 9, 5), (5, 9, 7), (9, 3, 7), (1, 6, 5)]
    angle_between_faces = 2 * np.arcsin(phi / np.sqrt(3))
    rotation_angle = (np.pi - angle_between_faces) / 2
    vertices = np.dot(vertices, _rotation_y(rotation_angle))
    return TriangularMesh(vertices.astype(np.float32), np.array(faces, dtype=np.int32))


def split_faces(mesh):
    parents = mesh.vertices
    all_vertices = list(parents)
    child_index = {}

    def child(i, j):
        key = (i, j) if i < j else (j, i)
        if key not in child_index:
            position = parents[[i, j]].mean(0)
            position /= np.linalg.norm(position)
            child_index[key] = len(all_vertices)
            all_vertices.append(position)
        return child_index[key]

    new_faces = []
    for i1, i2, i3 in mesh.faces.tolist():
        i12 = child(i1, i2)
        i23 = child(i2, i3)
        i31 = child(i3, i1)
        new_faces.extend([[i1, i12, i31], [i12, i2, i23], [i31, i23, i3], [i12, i23, i31]])
    return TriangularMesh(np.array(all_vertices), np.array(new_faces, dtype=np.int32))


def mesh_hierarchy(splits):
    meshes = [icosahedron()]
    for _ in range(splits):
        meshes.append(split_faces(meshes[-1]))
    return meshes


def faces_to_edges(faces):
    senders = np.concatenate([faces[:, 0], faces[:, 1], faces[:, 2]])
    receivers = np.concatenate([faces[:, 1], faces[:, 2], faces[:, 0]])
    return senders, receivers


def max_edge_length(mesh):
    senders, receivers = faces_to_edges(mesh.faces)
    return np.linalg.norm(mesh.vertices[senders] - mesh.vertices[receivers], axis=-1).max()


def cartesian_to_lat_lon(vertices):
    phi = np.arctan2(vertices[:, 1], vertices[:, 0])
    with np.errstate(invalid="ignore"):
        theta = np.arccos(vertices[:, 2])
    lon = np.mod(np.rad2deg(phi), 360)
    lat = 90 - np.rad2deg(theta)
    return lat.astype(np.float32), lon.astype(np.float32)


def lat_lon_to_spherical(lat, lon):
    return np.deg2rad(lon), np.deg2rad(90 - lat)


def spherical_to_cartesian(phi, theta):
    return np.cos(phi) * np.sin(theta), np.sin(phi) * np.sin(theta), np.cos(theta)


def node_features(lat, lon):
    phi, theta = lat_lon_to_spherical(lat, lon)
    return np.stack([np.cos(theta), np.cos(phi), np.sin(phi)], axis=-1)


def rotations_to_receiver_frame(phi, theta):
    """R = R_y(pi/2 - theta) @ R_z(-phi) per node (scipy from_euler('zy', ...) is extrinsic)."""
    azimuthal = -np.asarray(phi, dtype=np.float64)
    polar = (-theta + np.pi / 2).astype(np.float64)
    ca, sa = np.cos(azimuthal), np.sin(azimuthal)
    cp, sp = np.cos(polar), np.sin(polar)
    zeros, ones = np.zeros_like(ca), np.ones_like(ca)
    rz = np.stack([np.stack([ca, -sa, zeros], -1), np.stack([sa, ca, zeros], -1),
                   np.stack([zeros, zeros, ones], -1)], -2)
    ry = np.stack([np.stack([cp, zeros, sp], -1), np.stack([zeros, ones, zeros], -1),
                   np.stack([-sp, zeros, cp], -1)], -2)
    return np.einsum("nij,njk->nik", ry, rz)


def edge_features(sender_lat, sender_lon, receiver_lat, receiver_lon, senders, receivers,
                  normalization_factor=None):
    """[E, 4] float64: length and displacement in the receiver's frame, over the normaliser."""
    s_phi, s_theta = lat_lon_to_spherical(sender_lat, sender_lon)
    r_phi, r_theta = lat_lon_to_spherical(receiver_lat, receiver_lon)
    s_pos = np.stack(spherical_to_cartesian(s_phi, s_theta), axis=-1)
    r_pos = np.stack(spherical_to_cartesian(r_phi, r_theta), axis=-1)
    rotations = rotations_to_receiver_frame(r_phi, r_theta)[receivers]
    r_rot = np.einsum("...ji,...i->...j", rotations, r_pos[receivers])
    s_rot = np.einsum("...ji,...i->...j", rotations, s_pos[senders])
    relative = s_rot - r_rot
    lengths = np.linalg.norm(relative, axis=-1, keepdims=True)
    if normalization_factor is None:
        normalization_factor = lengths.max()
    return np.concatenate([lengths / normalization_factor, relative / normalization_factor], -1)


def grid_positions(grid_lat, grid_lon):
    """[num_lat * num_lon, 3] float32 positions, as _grid_lat_lon_to_coordinates."""
    phi, theta = np.meshgrid(np.deg2rad(grid_lon), np.deg2rad(90 - grid_lat))
    return np.stack([np.cos(phi) * np.sin(theta), np.sin(phi) * np.sin(theta), np.cos(theta)],
                    axis=-1).reshape([-1, 3])


def radius_query(grid_lat, grid_lon, mesh, radius, chunk=2048):
    """(grid_indices, mesh_indices) of pairs closer than or at `radius`, by grid then mesh index."""
    grid = grid_positions(grid_lat, grid_lon).astype(np.float64)
    vertices = mesh.vertices.astype(np.float64)
    radius = float(radius)
    grid_indices, mesh_indices = [], []
    for start in range(0, len(grid), chunk):
        block = grid[start:start + chunk]
        # Prefilter by the dot product, then decide on the exact float64 distance.
        near = block @ vertices.T >= 1.0 - 0.5 * radius * radius - 1e-6
        rows, cols = np.nonzero(near)
        distance = np.linalg.norm(block[rows] - vertices[cols], axis=-1)
        keep = distance <= radius
        grid_indices.append(rows[keep] + start)
        mesh_indices.append(cols[keep])
    return np.concatenate(grid_indices), np.concatenate(mesh_indices)


def containing_faces(grid_lat, grid_lon, mesh, chunk=1024, tolerance=1e-12):
    """(face index, number of faces containing it) per grid point; see the module docstring."""
    grid = grid_positions(grid_lat, grid_lon).astype(np.float64)
    v = mesh.vertices.astype(np.float64)
    a, b, c = v[mesh.faces[:, 0]], v[mesh.faces[:, 1]], v[mesh.faces[:, 2]]
    normals = [np.cross(a, b), np.cross(b, c), np.cross(c, a)]  # det(x, y, p) = (x × y) · p
    faces = np.empty(len(grid), dtype=np.int64)
    counts = np.empty(len(grid), dtype=np.int64)
    for start in range(0, len(grid), chunk):
        block = grid[start:start + chunk]
        inside = np.ones((len(block), len(a)), dtype=bool)
        for n in normals:
            inside &= block @ n.T >= -tolerance
        if not inside.any(axis=1).all():
            missing = start + int(np.nonzero(~inside.any(axis=1))[0][0])
            raise RuntimeError(f"grid point {missing} lies in no mesh face")
        faces[start:start + chunk] = inside.argmax(axis=1)
        counts[start:start + chunk] = inside.sum(axis=1)
    return faces, counts


class Graphs:
    """The grid2mesh, mesh and mesh2grid graphs of GraphCast for one grid and model config."""

    def __init__(self, grid_lat, grid_lon, mesh_size, radius_query_fraction_edge_length,
                 mesh2grid_edge_normalization_factor=None):
        self.meshes = mesh_hierarchy(mesh_size)
        finest = self.meshes[-1]
        self.finest_mesh = finest
        self.grid_lat = np.asarray(grid_lat, dtype=np.float32)
        self.grid_lon = np.asarray(grid_lon, dtype=np.float32)
        self.mesh_lat, self.mesh_lon = cartesian_to_lat_lon(finest.vertices)
        lon2d, lat2d = np.meshgrid(self.grid_lon, self.grid_lat)
        self.grid_nodes_lat = lat2d.reshape([-1]).astype(np.float32)
        self.grid_nodes_lon = lon2d.reshape([-1]).astype(np.float32)
        self.num_mesh_nodes = len(finest.vertices)
        self.num_grid_nodes = len(self.grid_nodes_lat)
        self.grid_node_features = node_features(self.grid_nodes_lat, self.grid_nodes_lon)
        self.mesh_node_features = node_features(self.mesh_lat, self.mesh_lon)

        # float32 max edge length times a Python float: float64, as in graphcast under numpy 1.x.
        self.query_radius = np.float64(max_edge_length(finest)) * float(
            radius_query_fraction_edge_length)
        g, m = radius_query(self.grid_lat, self.grid_lon, finest, self.query_radius)
        self.grid2mesh_senders, self.grid2mesh_receivers = g, m
        self.grid2mesh_edge_features = edge_features(
            self.grid_nodes_lat, self.grid_nodes_lon, self.mesh_lat, self.mesh_lon, g, m)

        merged_faces = np.concatenate([mesh.faces for mesh in self.meshes], axis=0)
        s, r = faces_to_edges(merged_faces)
        self.mesh_senders, self.mesh_receivers = s, r
        self.mesh_edge_features = edge_features(self.mesh_lat, self.mesh_lon, self.mesh_lat,
                                                self.mesh_lon, s, r)

        faces, containing = containing_faces(self.grid_lat, self.grid_lon, finest)
        # Grid nodes on a face boundary, where trimesh's choice (graphcast's) depends on rounding.
        self.mesh2grid_tied_grid_nodes = np.nonzero(containing > 1)[0]
        self.mesh2grid_senders = finest.faces[faces].reshape([-1]).astype(np.int64)
        self.mesh2grid_receivers = np.repeat(np.arange(self.num_grid_nodes), 3)
        self.mesh2grid_edge_features = edge_features(
            self.mesh_lat, self.mesh_lon, self.grid_nodes_lat, self.grid_nodes_lon,
            self.mesh2grid_senders, self.mesh2grid_receivers,
            normalization_factor=mesh2grid_edge_normalization_factor)

    def counts(self):
        return {
            "mesh_nodes": self.num_mesh_nodes,
            "multimesh_edges": len(self.mesh_senders),
            "grid_nodes": self.num_grid_nodes,
            "grid2mesh_edges": len(self.grid2mesh_senders),
            "mesh2grid_edges": len(self.mesh2grid_senders),
        }

    def arrays(self):
        """Everything a graph test compares, float32 features as graphcast feeds them."""
        f32 = np.float32
        i32 = np.int32
        return {
            "mesh_vertices": self.finest_mesh.vertices.astype(f32),
            "mesh_faces": self.finest_mesh.faces.astype(i32),
            "mesh_nodes_lat": self.mesh_lat, "mesh_nodes_lon": self.mesh_lon,
            "mesh_node_features": self.mesh_node_features.astype(f32),
            "grid_nodes_lat": self.grid_nodes_lat, "grid_nodes_lon": self.grid_nodes_lon,
            "grid_node_features": self.grid_node_features.astype(f32),
            "grid2mesh_senders": self.grid2mesh_senders.astype(i32),
            "grid2mesh_receivers": self.grid2mesh_receivers.astype(i32),
            "grid2mesh_edge_features": self.grid2mesh_edge_features.astype(f32),
            "mesh_senders": self.mesh_senders.astype(i32),
            "mesh_receivers": self.mesh_receivers.astype(i32),
            "mesh_edge_features": self.mesh_edge_features.astype(f32),
            "mesh2grid_senders": self.mesh2grid_senders.astype(i32),
            "mesh2grid_receivers": self.mesh2grid_receivers.astype(i32),
            "mesh2grid_edge_features": self.mesh2grid_edge_features.astype(f32),
            "mesh2grid_tied_grid_nodes": self.mesh2grid_tied_grid_nodes.astype(i32),
            "query_radius": np.float64(self.query_radius),
            **{f"num_{k}": np.int64(v) for k, v in self.counts().items()},
        }
