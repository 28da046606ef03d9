//! The domain model: checked names, regions and roles tables, layering, matrix expansion and
//! desired ARM resources. Pure: no I/O.

pub mod desired;
