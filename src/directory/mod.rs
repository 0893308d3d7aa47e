//! The service directory: `directory/area.yaml`, `localities.yaml`, `categories.yaml`
//! and one file per service under `services/`, loaded and validated.

pub mod model;
