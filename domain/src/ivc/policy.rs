//! The regional IVC policy the rules apply: who may ask (V18) and the interview plan (V19).
//! A value the app builds from its configuration (`config::IvcConfig::policy`), so the rules
//! read no configuration themselves.

/// The defaults are the seeds' figures (seed 003 ages, seed 000 Toscana interview plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IvcPolicy {
    /// seed 003: "tra i 15-64 anni", at the request date.
    pub min_age: i32,
    pub max_age: i32,
    /// seed 000 (Toscana pilot): "da 2 a 4 colloqui di 1-2 ore" — warnings only.
    pub interviews_min: u32,
    pub interviews_max: u32,
    pub interview_min_minutes: i32,
    pub interview_max_minutes: i32,
}

impl Default for IvcPolicy {
    fn default() -> Self {
        IvcPolicy {
            min_age: 15,
            max_age: 64,
            interviews_min: 2,
            interviews_max: 4,
            interview_min_minutes: 60,
            interview_max_minutes: 120,
        }
    }
}
