//! The service directory: `directory/area.yaml`, `localities.yaml`, `categories.yaml`
//! and one file per service under `services/`, loaded and validated.

mod check;
pub mod load;
pub mod model;
mod phone;
mod places;
pub mod raw;
pub mod schema;
mod service;
mod settings;
pub(crate) mod values;
pub mod yaml;

pub use load::load;
