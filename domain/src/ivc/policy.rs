//! The regional IVC policy the rules apply: who may ask (V18) and the interview plan (V19).
//! A value the app builds once from its configuration at start-up (`config::IvcConfig::policy`),
//! so neither the rules nor the services read configuration themselves.

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
    /// seed 003: "durata massima del percorso IVC (26 ore)", in minutes.
    pub max_minutes: i32,
    /// seed 003: a "durata massima ... di ogni singolo servizio" too; the seed gives no figure,
    /// so the default is a working day (8 h): a longer session is an entry error.
    pub max_session_minutes: i32,
    /// The unit cost in force for new dossiers, in cents an hour.
    pub hourly_cost_cents: i64,
    /// seed 003: only for citizens "che non abbiano già fruito del servizio di IVC".
    pub one_path_per_citizen: bool,
    /// seed 003: for people "residenti o domiciliati" in the region: its provinces (sigle);
    /// `None` when the rule is off (`ivc.residence_required = false`).
    pub residence_provinces: Option<&'static [&'static str]>,
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
            max_minutes: 26 * 60,
            max_session_minutes: 8 * 60,
            hourly_cost_cents: 4000,
            one_path_per_citizen: true,
            residence_provinces: None,
        }
    }
}
