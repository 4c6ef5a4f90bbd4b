//! The region's numbers as each role may see them (DOMAIN.md §10, issue 19): the store counts
//! (`store::reporting`), this module decides what of it is published — nothing withheld from
//! `admin`, and for everyone else no figure about fewer than `reporting.min_cell_size`
//! citizens, directly or by subtraction.

pub mod catalogue;
pub mod plan;
pub mod publish;
pub mod suppression;
pub mod system;

pub use catalogue::{Family, Report};
pub use plan::{Plan, plan};
pub use publish::{Published, PublishedCell, publish, publish_ivc_minutes};

#[cfg(test)]
mod tests;
