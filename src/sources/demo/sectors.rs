//! Sectors: which employers exist, whom they hire, under which contracts.

use crate::domain::codes::Municipality;

/// Contract habits of a sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Regime {
    Standard,
    /// Restaurants, bars, hotels: intermittent work is common.
    Hospitality,
    Agriculture,
    /// Families employing colf and badanti: employer is a person, A.04 codes.
    Domestic,
    /// Agenzie per il lavoro (somministrazione).
    Agency,
    /// Professional and IT firms: collaborations besides employment.
    Knowledge,
    Care,
}

pub(super) struct Sector {
    pub(super) activities: &'static [&'static str],
    pub(super) occupations: &'static [&'static str],
    /// Company name templates: `{S}` family name, `{G}` given name, `{P}` comune, `{N}` noun.
    pub(super) names: &'static [&'static str],
    pub(super) weight: u32,
    pub(super) full_time_hours: f64,
    pub(super) regime: Regime,
    /// Provinces where the sector concentrates (empty: everywhere).
    pub(super) provinces: &'static [&'static str],
}

pub(super) static SECTORS: [Sector; 21] = [
    Sector {
        activities: &["47.11.20"],
        occupations: &["5.1.2.2.0", "5.1.2.4.0", "4.3.1.2.0"],
        names: &[
            "Supermercati {S} S.r.l.",
            "Market {P} S.r.l.",
            "Alimentari {S} & C. S.n.c.",
        ],
        weight: 12,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["47.71.10"],
        occupations: &["5.1.2.2.0", "5.1.2.4.0"],
        names: &[
            "{S} Moda S.r.l.",
            "Boutique {G} S.a.s.",
            "Abbigliamento {S} S.r.l.",
        ],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["56.10.11"],
        occupations: &["5.2.2.1.0", "5.2.2.2.0", "5.2.2.3.2"],
        names: &[
            "Trattoria da {G} S.n.c.",
            "Ristorante {S} S.r.l.",
            "Osteria del {N} S.r.l.",
            "Pizzeria {N} S.a.s.",
        ],
        weight: 10,
        full_time_hours: 40.0,
        regime: Regime::Hospitality,
        provinces: &[],
    },
    Sector {
        activities: &["56.30.00"],
        occupations: &["5.2.2.4.0", "5.2.2.2.0"],
        names: &[
            "Bar {S} S.n.c.",
            "Caffè {P} S.r.l.",
            "Bar pasticceria {N} S.a.s.",
        ],
        weight: 5,
        full_time_hours: 40.0,
        regime: Regime::Hospitality,
        provinces: &[],
    },
    Sector {
        activities: &["55.10.00"],
        occupations: &["5.2.2.3.2", "5.2.2.1.0", "4.1.1.2.0"],
        names: &[
            "Hotel {P} S.r.l.",
            "Albergo {N} S.a.s.",
            "Grand Hotel {N} S.p.A.",
        ],
        weight: 5,
        full_time_hours: 40.0,
        regime: Regime::Hospitality,
        provinces: &["FI", "SI", "LI", "GR", "LU"],
    },
    Sector {
        activities: &["41.20.00"],
        occupations: &["6.1.2.1.0", "8.4.2.1.0"],
        names: &[
            "Edil{S} S.r.l.",
            "Costruzioni {S} S.r.l.",
            "Impresa edile {S} & Figli S.n.c.",
        ],
        weight: 8,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["25.11.00", "25.62.00"],
        occupations: &["6.2.1.2.0", "6.2.3.7.0", "8.4.3.1.0", "7.4.4.3.0"],
        names: &[
            "Officine meccaniche {S} S.p.A.",
            "Carpenteria metallica {S} S.r.l.",
            "Meccanica {P} S.r.l.",
        ],
        weight: 8,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["13.20.00", "14.13.10"],
        occupations: &["8.4.3.1.0", "4.3.1.2.0", "4.3.2.1.0"],
        names: &[
            "Lanificio {S} S.p.A.",
            "Tessitura {S} S.r.l.",
            "Confezioni {N} S.r.l.",
        ],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &["PO", "PT"],
    },
    Sector {
        activities: &["15.12.09", "15.20.10"],
        occupations: &["8.4.3.1.0", "4.3.1.2.0"],
        names: &[
            "Pelletteria {S} S.r.l.",
            "Calzaturificio {S} S.r.l.",
            "Pelletterie {N} S.r.l.",
        ],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &["FI", "PI", "AR"],
    },
    Sector {
        activities: &["49.41.00", "52.10.20"],
        occupations: &["7.4.2.3.0", "7.4.4.3.0", "4.3.1.2.0"],
        names: &[
            "Autotrasporti {S} S.r.l.",
            "Logistica {P} S.r.l.",
            "Trasporti {N} S.r.l.",
        ],
        weight: 7,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["62.01.00", "62.02.00"],
        occupations: &["2.1.1.4.1", "3.1.2.1.0", "4.1.1.1.0"],
        names: &[
            "{S} Software S.r.l.",
            "{N} Informatica S.r.l.",
            "Digitale {P} S.r.l.",
        ],
        weight: 4,
        full_time_hours: 40.0,
        regime: Regime::Knowledge,
        provinces: &["FI", "PI", "SI"],
    },
    Sector {
        activities: &["69.20.11"],
        occupations: &["3.3.1.2.1", "4.3.2.1.0", "4.1.1.1.0"],
        names: &[
            "Studio {S} commercialisti associati",
            "Studio commercialista dott. {G} {S}",
        ],
        weight: 3,
        full_time_hours: 40.0,
        regime: Regime::Knowledge,
        provinces: &[],
    },
    Sector {
        activities: &["86.10.10"],
        occupations: &["3.2.1.1.1", "5.3.1.1.0"],
        names: &["Casa di cura {N} S.p.A.", "Casa di cura Villa {G} S.r.l."],
        weight: 4,
        full_time_hours: 36.0,
        regime: Regime::Care,
        provinces: &[],
    },
    Sector {
        activities: &["87.30.00"],
        occupations: &["5.3.1.1.0", "3.2.1.1.1", "5.4.4.3.0"],
        names: &["RSA Villa {G} S.r.l.", "Residenza per anziani {N} S.r.l."],
        weight: 5,
        full_time_hours: 38.0,
        regime: Regime::Care,
        provinces: &[],
    },
    Sector {
        activities: &["88.10.00"],
        occupations: &["5.3.1.1.0", "5.4.4.3.0"],
        names: &[
            "Cooperativa sociale {N} Onlus",
            "{N} Società cooperativa sociale",
        ],
        weight: 5,
        full_time_hours: 38.0,
        regime: Regime::Care,
        provinces: &[],
    },
    Sector {
        activities: &["97.00.00"],
        occupations: &["8.2.2.1.0", "5.4.4.3.0"],
        names: &[],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Domestic,
        provinces: &[],
    },
    Sector {
        activities: &["96.02.01"],
        occupations: &["5.4.3.1.0"],
        names: &["Parrucchieria {G}", "Hair studio {S} S.n.c."],
        weight: 3,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["96.02.02"],
        occupations: &["5.4.3.2.0"],
        names: &["Centro estetico {G}", "Istituto di bellezza {N} S.a.s."],
        weight: 2,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["01.21.00", "01.26.00", "11.02.10"],
        occupations: &["8.3.1.1.0"],
        names: &[
            "Fattoria {S} Società agricola",
            "Tenuta {N} Società agricola S.r.l.",
            "Frantoio {S} Società agricola",
        ],
        weight: 5,
        // CCNL operai agricoli e florovivaisti
        full_time_hours: 39.0,
        regime: Regime::Agriculture,
        provinces: &["SI", "FI", "GR", "AR"],
    },
    Sector {
        activities: &["81.30.00"],
        occupations: &["8.3.1.2.0"],
        names: &["Giardini {S} S.r.l.", "Vivai e giardini {N} S.n.c."],
        weight: 2,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &["PT"],
    },
    Sector {
        activities: &["78.20.00"],
        occupations: &["8.4.3.1.0", "4.3.1.2.0", "5.1.2.2.0", "7.4.4.3.0"],
        names: &[
            "{N} Lavoro S.p.A. agenzia per il lavoro",
            "Agenzia per il lavoro {N} S.p.A.",
        ],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Agency,
        provinces: &[],
    },
];

pub(super) const TEXTILE: usize = 7;
pub(super) const DOMESTIC: usize = 15;
pub(super) const CARE_SECTORS: [usize; 3] = [12, 13, 14];

pub(super) struct Employer {
    pub(super) name: String,
    pub(super) tax_code: String,
    pub(super) activity: &'static str,
    pub(super) municipality: &'static Municipality,
}
