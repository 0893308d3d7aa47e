//! The service directory: `directory/area.yaml`, `localities.yaml`, `categories.yaml`
//! and one file per service under `services/`, loaded and validated.

mod check;
pub mod load;
pub mod model;
mod phone;
mod places;
pub mod raw;
mod service;
mod settings;
pub(crate) mod values;
mod yaml;

pub use load::load;
