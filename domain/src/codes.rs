//! Reference code tables the regional data is coded with (DOMAIN.md §3): COB contract types
//! with their validity dates, the Tuscan territory (provinces, comuni, CPI reporting areas),
//! foreign birth states, and small CP2011 / ATECO 2007 / titolo di studio / training tables.
//!
//! Pure data, no I/O. Every code here was checked against a published table (sources named on
//! each table); a code we could not check is left out rather than guessed.

use chrono::NaiveDate;

/// `NaiveDate` in a `static`: panics at compile time on an impossible date.
const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("invalid date in a code table"),
    }
}

// ---------------------------------------------------------------------------------------------
// COB / UNILAV contract types (DOMAIN.md §3.5)
// ---------------------------------------------------------------------------------------------

/// A COB "tipologia contrattuale". Old employment records legally keep codes that have since
/// expired, so a code is valid for a relationship when it was in force at the start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractType {
    pub code: &'static str,
    pub description: &'static str,
    pub valid_from: NaiveDate,
    /// Last day the code could be used (inclusive); `None` while still in force.
    pub valid_to: Option<NaiveDate>,
}

impl ContractType {
    /// `valid_from <= date <= valid_to`.
    pub fn valid_at(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

const fn contract(
    code: &'static str,
    description: &'static str,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
) -> ContractType {
    ContractType {
        code,
        description,
        valid_from,
        valid_to,
    }
}

/// COB start (21 June 2007), Fornero reform of apprenticeship (26 April 2012), the 2013 revision
/// of the COB tables (10 January 2013).
const COB_START: NaiveDate = ymd(2007, 6, 21);
const FORNERO: NaiveDate = ymd(2012, 4, 26);
const PRE_FORNERO: NaiveDate = ymd(2012, 4, 25);
const COB_2013: NaiveDate = ymd(2013, 1, 10);

/// The ministerial table as published by ANPAL (AnpalSimo/DB_PLUS2022
/// `CLA_DIZ/dml/Classificazione/TAB_ESPERIENZELAV.sql`, columns cod, des, dat_inizio, dat_fine).
/// Where DOMAIN.md abbreviates a start date as "2007/2008" the exact date comes from that file
/// (A.07.01 and L.01.01 from 25-02-2008, M.01.xx from 26-05-2008).
pub static CONTRACT_TYPES: &[ContractType] = &[
    contract("A.01.00", "LAVORO A TEMPO INDETERMINATO", COB_START, None),
    contract("A.02.00", "LAVORO A TEMPO DETERMINATO", COB_START, None),
    contract(
        "A.02.01",
        "LAVORO A TEMPO DETERMINATO PER SOSTITUZIONE",
        COB_START,
        None,
    ),
    contract(
        "A.03.00",
        "APPRENDISTATO EX ART.16 L. 196/97",
        COB_START,
        Some(PRE_FORNERO),
    ),
    contract(
        "A.03.01",
        "APPRENDISTATO PER L'ESPLETAMENTO DEL DIRITTO DOVERE DI ISTRUZIONE FORMAZIONE",
        COB_START,
        Some(PRE_FORNERO),
    ),
    contract(
        "A.03.02",
        "APPRENDISTATO PROFESSIONALIZZANTE",
        COB_START,
        Some(PRE_FORNERO),
    ),
    contract(
        "A.03.03",
        "APPRENDISTATO PER L'ACQUISIZIONE DI DIPLOMA O PER PERCORSI DI ALTA FORMAZIONE",
        COB_START,
        Some(PRE_FORNERO),
    ),
    contract(
        "A.03.04",
        "CONTRATTO DI FORMAZIONE LAVORO (SOLO PUBBLICA AMMINISTRAZIONE)",
        COB_START,
        None,
    ),
    contract(
        "A.03.07",
        "CONTRATTO DI INSERIMENTO LAVORATIVO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "A.03.08",
        "APPRENDISTATO PER LA QUALIFICA PROFESSIONALE E PER IL DIPLOMA PROFESSIONALE",
        FORNERO,
        None,
    ),
    contract(
        "A.03.09",
        "APPRENDISTATO PROFESSIONALIZZANTE O CONTRATTO DI MESTIERE",
        FORNERO,
        None,
    ),
    contract(
        "A.03.10",
        "APPRENDISTATO DI ALTA FORMAZIONE E RICERCA",
        FORNERO,
        None,
    ),
    contract(
        "A.03.11",
        "APPRENDISTATO PER LA QUALIFICA PROFESSIONALE E PER IL DIPLOMA PROFESSIONALE PER LAVORATORI IN MOBILITA'",
        FORNERO,
        Some(COB_2013),
    ),
    contract(
        "A.03.12",
        "APPRENDISTATO PROFESSIONALIZZANTE O CONTRATTO DI MESTIERE PER LAVORATORI IN MOBILITA'",
        FORNERO,
        Some(COB_2013),
    ),
    contract(
        "A.03.13",
        "APPRENDISTATO DI ALTA FORMAZIONE E RICERCA PER LAVORATORI IN MOBILITA'",
        FORNERO,
        Some(COB_2013),
    ),
    contract(
        "A.03.14",
        "APPRENDISTATO PROFESSIONALIZZANTE O CONTRATTO DI MESTIERE PER LAVORATORI STAGIONALI",
        FORNERO,
        Some(COB_2013),
    ),
    contract(
        "A.04.00",
        "LAVORO DOMESTICO A TEMPO INDETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "A.04.01",
        "LAVORO DOMESTICO A TEMPO DETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract("A.04.02", "LAVORO DOMESTICO", COB_2013, None),
    contract(
        "A.05.00",
        "LAVORO INTERMITTENTE A TEMPO INDETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "A.05.01",
        "LAVORO INTERMITTENTE A TEMPO DETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract("A.05.02", "LAVORO INTERMITTENTE", COB_2013, None),
    contract(
        "A.06.00",
        "LAVORO INTERINALE (O A SCOPO DI SOMMINISTRAZIONE) A TEMPO INDETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "A.06.01",
        "LAVORO INTERINALE (O A SCOPO DI SOMMINISTRAZIONE) A TEMPO DETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "A.07.00",
        "LAVORO RIPARTITO A TEMPO INDETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "A.07.01",
        "LAVORO RIPARTITO A TEMPO DETERMINATO",
        ymd(2008, 2, 25),
        Some(COB_2013),
    ),
    contract("A.07.02", "LAVORO RIPARTITO", COB_2013, None),
    contract(
        "A.08.00",
        "LAVORO A DOMICILIO A TEMPO INDETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "A.08.01",
        "LAVORO A DOMICILIO A TEMPO DETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract("A.08.02", "LAVORO A DOMICILIO", COB_2013, None),
    contract("A.09.00", "LAVORO ACCESSORIO", COB_START, Some(COB_START)),
    contract(
        "B.01.00",
        "LAVORO A PROGETTO / COLLABORAZIONE COORDINATA E CONTINUATIVA",
        COB_START,
        Some(ymd(2016, 2, 1)),
    ),
    contract(
        "B.02.00",
        "LAVORO OCCASIONALE",
        COB_START,
        Some(ymd(2016, 2, 1)),
    ),
    contract(
        "B.03.00",
        "COLLABORAZIONE COORDINATA E CONTINUATIVA",
        ymd(2014, 1, 7),
        None,
    ),
    contract("C.01.00", "TIROCINIO", COB_START, None),
    contract(
        "C.02.00",
        "TIROCINIO ESTIVO DI ORIENTAMENTO",
        COB_START,
        Some(ymd(2009, 3, 15)),
    ),
    contract(
        "C.03.00",
        "LAVORO O ATTIVITA' SOCIALMENTE UTILE (LSU - ASU)",
        COB_START,
        None,
    ),
    contract(
        "C.04.00",
        "CONTRATTI DI BORSA LAVORO E ALTRE WORK EXPERIENCES",
        ymd(2014, 1, 10),
        None,
    ),
    contract(
        "D.01.00",
        "LAVORO SVOLTO SENZA RETRIBUZIONE (VOLONTARIATO)",
        COB_START,
        Some(COB_START),
    ),
    contract("E.01.00", "LAVORO AUTONOMO", COB_START, Some(COB_START)),
    contract(
        "F.01.00",
        "LAVORO MARITTIMO A TEMPO INDETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "F.02.00",
        "LAVORO MARITTIMO A TEMPO DETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "G.01.00",
        "LAVORO NELLO SPETTACOLO A TEMPO INDETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "G.02.00",
        "LAVORO NELLO SPETTACOLO A TEMPO DETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "G.03.00",
        "LAVORO AUTONOMO NELLO SPETTACOLO",
        ymd(2009, 3, 15),
        None,
    ),
    contract(
        "H.01.00",
        "LAVORO IN AGRICOLTURA A TEMPO DETERMINATO",
        COB_START,
        Some(ymd(2009, 3, 15)),
    ),
    contract(
        "H.02.00",
        "LAVORO CONGIUNTO IN AGRICOLTURA",
        ymd(2014, 1, 7),
        None,
    ),
    contract(
        "I.01.00",
        "LAVORO DIPENDENTE NELLA P.A. A TEMPO INDETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "I.02.00",
        "LAVORO DIPENDENTE NELLA P.A. A TEMPO DETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "L.01.00",
        "ASSOCIAZIONE IN PARTECIPAZIONE A TEMPO INDETERMINATO",
        COB_START,
        Some(COB_2013),
    ),
    contract(
        "L.01.01",
        "ASSOCIAZIONE IN PARTECIPAZIONE A TEMPO DETERMINATO",
        ymd(2008, 2, 25),
        Some(COB_2013),
    ),
    contract("L.02.00", "ASSOCIAZIONE IN PARTECIPAZIONE", COB_2013, None),
    contract(
        "M.01.00",
        "CONTRATTO DI AGENZIA A TEMPO INDETERMINATO",
        ymd(2008, 5, 26),
        Some(COB_2013),
    ),
    contract(
        "M.01.01",
        "CONTRATTO DI AGENZIA A TEMPO DETERMINATO",
        ymd(2008, 5, 26),
        Some(COB_2013),
    ),
    contract("M.02.00", "CONTRATTO DI AGENZIA", COB_2013, None),
];

/// The contract type with this COB code, whatever its validity.
pub fn contract_type(code: &str) -> Option<&'static ContractType> {
    CONTRACT_TYPES.iter().find(|c| c.code == code)
}

// ---------------------------------------------------------------------------------------------
// Tuscan territory (DOMAIN.md §3.2)
// ---------------------------------------------------------------------------------------------

/// A Tuscan province: sigla, name and the 3-digit ISTAT code that prefixes its comuni's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    pub sigla: &'static str,
    pub name: &'static str,
    pub istat_code: &'static str,
}

const fn province_row(
    sigla: &'static str,
    name: &'static str,
    istat_code: &'static str,
) -> Province {
    Province {
        sigla,
        name,
        istat_code,
    }
}

/// The ten provinces of Regione Toscana.
pub static PROVINCES: [Province; 10] = [
    province_row("AR", "Arezzo", "051"),
    province_row("FI", "Firenze", "048"),
    province_row("GR", "Grosseto", "053"),
    province_row("LI", "Livorno", "049"),
    province_row("LU", "Lucca", "046"),
    province_row("MS", "Massa-Carrara", "045"),
    province_row("PI", "Pisa", "050"),
    province_row("PO", "Prato", "100"),
    province_row("PT", "Pistoia", "047"),
    province_row("SI", "Siena", "052"),
];

pub fn province(sigla: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.sigla == sigla)
}

/// CPI reporting areas: the ten provinces plus Empoli, which the regional reports count as an
/// eleventh area (seed 000, "Libretti Formativi consolidati per Provincia").
pub static CPI_AREAS: [&str; 11] = [
    "Arezzo",
    "Empoli",
    "Firenze",
    "Grosseto",
    "Livorno",
    "Lucca",
    "Massa-Carrara",
    "Pisa",
    "Pistoia",
    "Prato",
    "Siena",
];

/// The CPI area of the comuni of the Circondario Empolese Valdelsa (province of Firenze).
pub const EMPOLI_AREA: &str = "Empoli";

/// ISTAT codes of the eleven comuni of the Unione dei Comuni Circondario Empolese Valdelsa.
pub static EMPOLESE_VALDELSA: [&str; 11] = [
    "048008", // Capraia e Limite
    "048010", // Castelfiorentino
    "048011", // Cerreto Guidi
    "048012", // Certaldo
    "048014", // Empoli
    "048019", // Fucecchio
    "048020", // Gambassi Terme
    "048027", // Montaione
    "048028", // Montelupo Fiorentino
    "048030", // Montespertoli
    "048050", // Vinci
];

/// A Tuscan comune. `population` (census order of magnitude) only weights the demo data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Municipality {
    /// ISTAT code: 3-digit province code + 3-digit progressive.
    pub istat_code: &'static str,
    /// Codice catastale (Belfiore), the birth place in a codice fiscale.
    pub belfiore: &'static str,
    pub name: &'static str,
    pub province: &'static str,
    pub population: u32,
    /// Set for comuni born of a merger: before this date people were born in the old comuni and
    /// their codice fiscale carries the old Belfiore code.
    pub established: Option<NaiveDate>,
}

impl Municipality {
    /// The CPI area the comune is reported under: its province, or Empoli.
    pub fn cpi_area(&self) -> &'static str {
        if EMPOLESE_VALDELSA.contains(&self.istat_code) {
            return EMPOLI_AREA;
        }
        province(self.province).map_or("", |p| p.name)
    }

    /// Whether someone born on `date` in this comune has this Belfiore code.
    pub fn existed_at(&self, date: NaiveDate) -> bool {
        self.established.is_none_or(|from| from <= date)
    }
}

const fn comune(
    istat_code: &'static str,
    belfiore: &'static str,
    name: &'static str,
    province: &'static str,
    population: u32,
) -> Municipality {
    Municipality {
        istat_code,
        belfiore,
        name,
        province,
        population,
        established: None,
    }
}

/// Capoluoghi and the larger comuni. ISTAT and Belfiore codes as in the ISTAT list of comuni
/// (cross-checked with francescoferazzoli/flyering `insert_cities_3.sql`/`insert_cities_4.sql`,
/// which also gives the populations).
pub static MUNICIPALITIES: &[Municipality] = &[
    // Massa-Carrara
    comune("045010", "F023", "Massa", "MS", 69_022),
    comune("045003", "B832", "Carrara", "MS", 64_404),
    comune("045001", "A496", "Aulla", "MS", 11_274),
    comune("045011", "F679", "Montignoso", "MS", 10_208),
    comune("045014", "G870", "Pontremoli", "MS", 7_593),
    // Lucca
    comune("046017", "E715", "Lucca", "LU", 87_598),
    comune("046033", "L833", "Viareggio", "LU", 61_238),
    comune("046007", "B648", "Capannori", "LU", 45_585),
    comune("046005", "B455", "Camaiore", "LU", 32_518),
    comune("046024", "G628", "Pietrasanta", "LU", 23_921),
    comune("046018", "F035", "Massarosa", "LU", 22_272),
    comune("046001", "A241", "Altopascio", "LU", 15_188),
    comune("046028", "I622", "Seravezza", "LU", 13_185),
    comune("046026", "G882", "Porcari", "LU", 8_699),
    comune("046013", "D730", "Forte dei Marmi", "LU", 7_619),
    comune("046009", "C236", "Castelnuovo di Garfagnana", "LU", 6_026),
    // Pistoia
    comune("047014", "G713", "Pistoia", "PT", 88_904),
    comune("047017", "H109", "Quarrata", "PT", 25_448),
    comune("047009", "F384", "Monsummano Terme", "PT", 20_884),
    comune("047011", "A561", "Montecatini-Terme", "PT", 19_441),
    comune("047012", "G491", "Pescia", "PT", 19_420),
    comune("047002", "A071", "Agliana", "PT", 16_938),
    comune("047020", "I660", "Serravalle Pistoiese", "PT", 11_580),
    // Firenze
    comune("048017", "D612", "Firenze", "FI", 366_039),
    comune("048041", "B962", "Scandicci", "FI", 49_624),
    comune("048043", "I684", "Sesto Fiorentino", "FI", 48_195),
    comune("048006", "B507", "Campi Bisenzio", "FI", 43_580),
    comune("048001", "A564", "Bagno a Ripoli", "FI", 25_488),
    Municipality {
        // born of the 2014 merger of Figline Valdarno and Incisa in Val d'Arno
        established: Some(ymd(2014, 1, 1)),
        ..comune("048052", "M321", "Figline e Incisa Valdarno", "FI", 23_344)
    },
    comune("048033", "G825", "Pontassieve", "FI", 20_473),
    comune("048024", "E466", "Lastra a Signa", "FI", 18_758),
    comune("048044", "I728", "Signa", "FI", 18_266),
    comune("048004", "B036", "Borgo San Lorenzo", "FI", 17_952),
    comune(
        "048038",
        "H791",
        "San Casciano in Val di Pesa",
        "FI",
        17_277,
    ),
    comune("048005", "B406", "Calenzano", "FI", 16_918),
    comune("048022", "E291", "Impruneta", "FI", 14_782),
    comune("048015", "D575", "Fiesole", "FI", 13_968),
    // Firenze, Circondario Empolese Valdelsa
    comune("048014", "D403", "Empoli", "FI", 47_912),
    comune("048019", "D815", "Fucecchio", "FI", 23_161),
    comune("048010", "C101", "Castelfiorentino", "FI", 17_626),
    comune("048012", "C540", "Certaldo", "FI", 16_006),
    comune("048050", "M059", "Vinci", "FI", 14_296),
    comune("048028", "F551", "Montelupo Fiorentino", "FI", 13_746),
    comune("048030", "F648", "Montespertoli", "FI", 13_302),
    comune("048011", "C529", "Cerreto Guidi", "FI", 10_488),
    comune("048008", "B684", "Capraia e Limite", "FI", 7_471),
    comune("048020", "D895", "Gambassi Terme", "FI", 4_896),
    comune("048027", "F398", "Montaione", "FI", 3_760),
    // Livorno
    comune("049009", "E625", "Livorno", "LI", 156_998),
    comune("049012", "G687", "Piombino", "LI", 34_320),
    comune("049017", "H570", "Rosignano Marittimo", "LI", 31_575),
    comune("049007", "C415", "Cecina", "LI", 28_027),
    comune("049008", "C869", "Collesalvetti", "LI", 16_735),
    comune("049002", "B509", "Campiglia Marittima", "LI", 13_263),
    comune("049014", "G912", "Portoferraio", "LI", 12_029),
    // Pisa
    comune("050026", "G702", "Pisa", "PI", 86_263),
    comune("050008", "B950", "Cascina", "PI", 43_961),
    comune("050031", "A562", "San Giuliano Terme", "PI", 31_066),
    comune("050029", "G843", "Pontedera", "PI", 28_249),
    comune("050032", "I046", "San Miniato", "PI", 27_527),
    comune("050028", "G822", "Ponsacco", "PI", 15_267),
    comune("050033", "I177", "Santa Croce sull'Arno", "PI", 14_245),
    comune("050009", "C113", "Castelfranco di Sotto", "PI", 13_226),
    comune("050039", "M126", "Volterra", "PI", 10_595),
    // Arezzo
    comune("051002", "A390", "Arezzo", "AR", 98_352),
    comune("051026", "F656", "Montevarchi", "AR", 24_202),
    comune("051017", "D077", "Cortona", "AR", 22_472),
    comune("051033", "H901", "San Giovanni Valdarno", "AR", 17_019),
    comune("051034", "I155", "Sansepolcro", "AR", 16_019),
    comune("051012", "C319", "Castiglion Fiorentino", "AR", 13_281),
    comune("051039", "L123", "Terranuova Bracciolini", "AR", 12_364),
    comune("051004", "A851", "Bibbiena", "AR", 12_292),
    // Siena
    comune("052032", "I726", "Siena", "SI", 52_883),
    comune("052022", "G752", "Poggibonsi", "SI", 29_216),
    comune("052012", "C847", "Colle di Val d'Elsa", "SI", 21_361),
    comune("052015", "F592", "Montepulciano", "SI", 14_180),
    comune("052033", "A468", "Sinalunga", "SI", 12_476),
    comune("052028", "H875", "San Gimignano", "SI", 7_670),
    comune("052009", "C608", "Chianciano Terme", "SI", 6_886),
    // Grosseto
    comune("053011", "E202", "Grosseto", "GR", 79_216),
    comune("053009", "D656", "Follonica", "GR", 21_328),
    comune("053018", "G088", "Orbetello", "GR", 14_733),
    comune("053016", "F437", "Monte Argentario", "GR", 12_454),
    comune("053015", "F032", "Massa Marittima", "GR", 8_613),
    comune("053014", "E875", "Manciano", "GR", 7_302),
    // Prato
    comune("100005", "G999", "Prato", "PO", 187_159),
    comune("100003", "F572", "Montemurlo", "PO", 18_198),
    comune("100002", "B794", "Carmignano", "PO", 14_118),
    comune("100006", "L537", "Vaiano", "PO", 9_889),
    comune("100004", "G754", "Poggio a Caiano", "PO", 9_804),
];

pub fn municipality_by_istat(istat_code: &str) -> Option<&'static Municipality> {
    MUNICIPALITIES.iter().find(|m| m.istat_code == istat_code)
}

// ---------------------------------------------------------------------------------------------
// Foreign states of birth
// ---------------------------------------------------------------------------------------------

/// A foreign state as coded in a codice fiscale (`Z` + 3 digits), with the ISO 3166-1 alpha-2
/// code used for citizenship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignState {
    pub belfiore: &'static str,
    pub name: &'static str,
    pub iso_alpha2: &'static str,
    /// For states born after 1958 (the oldest demo birth year): people born there earlier carry
    /// the predecessor's code (e.g. URSS Z135), so this code only fits later births.
    pub established: Option<NaiveDate>,
}

impl ForeignState {
    pub fn existed_at(&self, date: NaiveDate) -> bool {
        self.established.is_none_or(|from| from <= date)
    }
}

const fn state(
    belfiore: &'static str,
    name: &'static str,
    iso_alpha2: &'static str,
) -> ForeignState {
    ForeignState {
        belfiore,
        name,
        iso_alpha2,
        established: None,
    }
}

/// Countries of origin common among residents of Toscana. Codes from the ANPAL table of states
/// (AnpalSimo/DB_PLUS2022 `CLA_DIZ/dml/Classificazione/TAB_NAZIONI.sql`).
pub static FOREIGN_STATES: &[ForeignState] = &[
    state("Z100", "Albania", "AL"),
    state("Z129", "Romania", "RO"),
    ForeignState {
        established: Some(ymd(1991, 8, 24)),
        ..state("Z138", "Ucraina", "UA")
    },
    ForeignState {
        established: Some(ymd(1991, 8, 27)),
        ..state("Z140", "Moldavia", "MD")
    },
    state("Z210", "Cina", "CN"),
    state("Z216", "Filippine", "PH"),
    state("Z249", "Bangladesh", "BD"),
    state("Z236", "Pakistan", "PK"),
    state("Z330", "Marocco", "MA"),
    state("Z352", "Tunisia", "TN"),
    state("Z335", "Nigeria", "NG"),
    state("Z343", "Senegal", "SN"),
    state("Z611", "Perù", "PE"),
    state("Z602", "Brasile", "BR"),
    state("Z600", "Argentina", "AR"),
];

pub fn foreign_state(belfiore: &str) -> Option<&'static ForeignState> {
    FOREIGN_STATES.iter().find(|s| s.belfiore == belfiore)
}

// ---------------------------------------------------------------------------------------------
// ISTAT CP2011 occupations (DOMAIN.md §3.3)
// ---------------------------------------------------------------------------------------------

/// A CP2011 unità professionale (5 levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupation {
    pub code: &'static str,
    pub label: &'static str,
}

const fn occupation(code: &'static str, label: &'static str) -> Occupation {
    Occupation { code, label }
}

/// Common occupations in the CPI caseload. CP2011, not CP2021: several codes moved in 2021
/// (e.g. acconciatori 5.4.3.1.0 → 5.5.1.1.0). Checked against the CP2011 detail table
/// (AnpalSimo/DB_PLUS2022 `TAB_QUALPROFLIV4.sql`, valid from 15/11/2011) where we could read it.
pub static OCCUPATIONS: &[Occupation] = &[
    occupation("2.1.1.4.1", "Analisti e progettisti di software"),
    occupation("3.1.2.1.0", "Tecnici programmatori"),
    occupation("3.2.1.1.1", "Professioni sanitarie infermieristiche"),
    occupation("3.3.1.2.1", "Contabili"),
    occupation("4.1.1.1.0", "Addetti a funzioni di segreteria"),
    occupation("4.1.1.2.0", "Addetti agli affari generali"),
    occupation(
        "4.3.1.2.0",
        "Addetti alla gestione dei magazzini e professioni assimilate",
    ),
    occupation("4.3.2.1.0", "Addetti alla contabilità"),
    occupation("5.1.2.2.0", "Commessi delle vendite al minuto"),
    occupation("5.1.2.4.0", "Cassieri di esercizi commerciali"),
    occupation("5.2.2.1.0", "Cuochi in alberghi e ristoranti"),
    occupation(
        "5.2.2.2.0",
        "Addetti alla preparazione, alla cottura e alla distribuzione di cibi",
    ),
    occupation("5.2.2.3.2", "Camerieri di ristorante"),
    occupation("5.2.2.4.0", "Baristi e professioni assimilate"),
    occupation(
        "5.3.1.1.0",
        "Professioni qualificate nei servizi sanitari e sociali",
    ),
    occupation("5.4.3.1.0", "Acconciatori"),
    occupation("5.4.3.2.0", "Estetisti e truccatori"),
    occupation("5.4.4.3.0", "Addetti all'assistenza personale"),
    occupation("6.1.2.1.0", "Muratori in pietra e mattoni"),
    occupation("6.2.1.2.0", "Saldatori e tagliatori a fiamma"),
    occupation("6.2.3.7.0", "Verniciatori artigianali ed industriali"),
    occupation("7.4.2.3.0", "Conduttori di mezzi pesanti e camion"),
    occupation("7.4.4.3.0", "Conduttori di carrelli elevatori"),
    occupation(
        "8.2.2.1.0",
        "Collaboratori domestici e professioni assimilate",
    ),
    occupation("8.3.1.1.0", "Braccianti agricoli"),
    occupation(
        "8.3.1.2.0",
        "Personale non qualificato addetto alla manutenzione del verde",
    ),
    occupation(
        "8.4.2.1.0",
        "Manovali e personale non qualificato dell'edilizia civile e professioni assimilate",
    ),
    occupation(
        "8.4.3.1.0",
        "Personale non qualificato delle attività industriali e professioni assimilate",
    ),
];

pub fn occupation_by_code(code: &str) -> Option<&'static Occupation> {
    OCCUPATIONS.iter().find(|o| o.code == code)
}

// ---------------------------------------------------------------------------------------------
// ATECO 2007 (DOMAIN.md §3.4)
// ---------------------------------------------------------------------------------------------

/// An ATECO 2007 sottocategoria (`NN.NN.NN`), the version COB/SAP records are coded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EconomicActivity {
    pub code: &'static str,
    pub label: &'static str,
}

const fn activity(code: &'static str, label: &'static str) -> EconomicActivity {
    EconomicActivity { code, label }
}

pub static ACTIVITIES: &[EconomicActivity] = &[
    activity("01.21.00", "Coltivazione di uva"),
    activity("01.26.00", "Coltivazione di frutti oleosi"),
    activity("11.02.10", "Produzione di vini da tavola e v.q.p.r.d."),
    activity("13.20.00", "Tessitura"),
    activity("14.13.10", "Confezione in serie di abbigliamento esterno"),
    activity(
        "15.12.09",
        "Fabbricazione di altri articoli da viaggio, borse e simili, pelletteria e selleria",
    ),
    activity("15.20.10", "Fabbricazione di calzature"),
    activity(
        "25.11.00",
        "Fabbricazione di strutture metalliche e di parti di strutture",
    ),
    activity("25.62.00", "Lavori di meccanica generale"),
    activity(
        "41.20.00",
        "Costruzione di edifici residenziali e non residenziali",
    ),
    activity("47.11.20", "Supermercati"),
    activity(
        "47.71.10",
        "Commercio al dettaglio di confezioni per adulti",
    ),
    activity("49.41.00", "Trasporto di merci su strada"),
    activity(
        "52.10.20",
        "Magazzini di custodia e deposito per conto terzi",
    ),
    activity("55.10.00", "Alberghi"),
    activity("56.10.11", "Ristorazione con somministrazione"),
    activity("56.30.00", "Bar e altri esercizi simili senza cucina"),
    activity(
        "62.01.00",
        "Produzione di software non connesso all'edizione",
    ),
    activity(
        "62.02.00",
        "Consulenza nel settore delle tecnologie dell'informatica",
    ),
    activity("69.20.11", "Servizi forniti da dottori commercialisti"),
    activity(
        "78.20.00",
        "Attività delle agenzie di lavoro temporaneo (interinale)",
    ),
    activity(
        "81.30.00",
        "Cura e manutenzione del paesaggio (inclusi parchi, giardini e aiuole)",
    ),
    activity("86.10.10", "Ospedali e case di cura generici"),
    activity(
        "87.30.00",
        "Strutture di assistenza residenziale per anziani e disabili",
    ),
    activity(
        "88.10.00",
        "Assistenza sociale non residenziale per anziani e disabili",
    ),
    activity("96.02.01", "Servizi dei saloni di barbiere e parrucchiere"),
    activity("96.02.02", "Servizi degli istituti di bellezza"),
    activity(
        "97.00.00",
        "Attività di famiglie e convivenze come datori di lavoro per personale domestico",
    ),
];

pub fn activity_by_code(code: &str) -> Option<&'static EconomicActivity> {
    ACTIVITIES.iter().find(|a| a.code == code)
}

// ---------------------------------------------------------------------------------------------
// Training: the contract's vocabularies, titoli di studio (DOMAIN.md §3.6), courses, providers
// ---------------------------------------------------------------------------------------------

/// `gw_training.kind` values (DESIGN.md "The regional source contract").
pub const KIND_EDUCATION: &str = "education";
pub const KIND_VOCATIONAL: &str = "vocational";
pub const KIND_INTERNSHIP: &str = "internship";
pub const KIND_APPRENTICESHIP: &str = "apprenticeship";
pub const TRAINING_KINDS: [&str; 4] = [
    KIND_EDUCATION,
    KIND_VOCATIONAL,
    KIND_INTERNSHIP,
    KIND_APPRENTICESHIP,
];

/// `gw_training.outcome` values: attended to the end, obtained the qualification, dropped out,
/// still in progress (no end date).
pub const OUTCOME_COMPLETED: &str = "completed";
pub const OUTCOME_QUALIFIED: &str = "qualified";
pub const OUTCOME_WITHDRAWN: &str = "withdrawn";
pub const OUTCOME_ONGOING: &str = "ongoing";
pub const TRAINING_OUTCOMES: [&str; 4] = [
    OUTCOME_COMPLETED,
    OUTCOME_QUALIFIED,
    OUTCOME_WITHDRAWN,
    OUTCOME_ONGOING,
];

/// Where a titolo di studio sits in the Italian school and university system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EducationStage {
    /// Scuola secondaria di primo grado (licenza media).
    LowerSecondary,
    /// Qualifica professionale IeFP (3 years, no university access).
    VocationalQualification,
    /// Diploma di scuola secondaria superiore (maturità).
    UpperSecondary,
    /// Laurea di primo livello (3 years).
    Bachelor,
    /// Laurea specialistica (2 years after a bachelor).
    Master,
    /// Laurea specialistica a ciclo unico (5-6 years).
    SingleCycle,
    /// Diploma di laurea del vecchio ordinamento (4-6 years, enrolments until 2001).
    OldDegree,
    /// Master universitario, dottorato.
    PostGraduate,
}

impl EducationStage {
    /// Titles issued by a university rather than a school.
    pub fn is_university(self) -> bool {
        matches!(
            self,
            Self::Bachelor
                | Self::Master
                | Self::SingleCycle
                | Self::OldDegree
                | Self::PostGraduate
        )
    }
}

/// A titolo di studio with its SAP code (8 digits, first digit = level; `x0000000` is the level
/// itself) and EQF level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EducationTitle {
    pub title: &'static str,
    pub sap_code: &'static str,
    pub eqf_level: u8,
    pub stage: EducationStage,
    /// The kind of school that issues it ("Liceo scientifico"); `None` for university titles.
    pub institution: Option<&'static str>,
}

const fn education(
    title: &'static str,
    sap_code: &'static str,
    eqf_level: u8,
    stage: EducationStage,
) -> EducationTitle {
    let institution = match stage {
        EducationStage::LowerSecondary => Some("Scuola secondaria di primo grado"),
        EducationStage::VocationalQualification => Some("Istituto professionale"),
        _ => None,
    };
    EducationTitle {
        title,
        sap_code,
        eqf_level,
        stage,
        institution,
    }
}

const fn diploma(
    title: &'static str,
    sap_code: &'static str,
    institution: &'static str,
) -> EducationTitle {
    EducationTitle {
        institution: Some(institution),
        ..education(title, sap_code, 4, EducationStage::UpperSecondary)
    }
}

/// Codes from the SAP tables (AnpalSimo/DB_PLUS2022 `TAB_STUDIOLIVELLO.sql`,
/// `TAB_STUDIOTITOLO.sql`). Upper-secondary diplomas carry the level code (40000000) except the
/// artistic one, whose own code we could read.
pub static EDUCATION_TITLES: &[EducationTitle] = &[
    education(
        "Licenza media (diploma di scuola secondaria di primo grado)",
        "20000000",
        1,
        EducationStage::LowerSecondary,
    ),
    education(
        "Qualifica professionale IeFP di operatore della ristorazione",
        "30000000",
        3,
        EducationStage::VocationalQualification,
    ),
    education(
        "Qualifica professionale IeFP di operatore meccanico",
        "30000000",
        3,
        EducationStage::VocationalQualification,
    ),
    EducationTitle {
        institution: Some("Istituto statale d'arte"),
        ..education(
            "Licenza di maestro d'arte",
            "30601000",
            3,
            EducationStage::VocationalQualification,
        )
    },
    diploma(
        "Diploma di istituto tecnico, settore economico (amministrazione, finanza e marketing)",
        "40000000",
        "Istituto tecnico economico",
    ),
    diploma(
        "Diploma di istituto tecnico, settore tecnologico (informatica e telecomunicazioni)",
        "40000000",
        "Istituto tecnico tecnologico",
    ),
    diploma(
        "Diploma di istituto professionale (enogastronomia e ospitalità alberghiera)",
        "40000000",
        "Istituto professionale alberghiero",
    ),
    diploma(
        "Diploma di liceo scientifico",
        "40000000",
        "Liceo scientifico",
    ),
    diploma(
        "Diploma di liceo linguistico",
        "40000000",
        "Liceo linguistico",
    ),
    diploma(
        "Diploma di istruzione secondaria superiore ad indirizzo artistico",
        "40602000",
        "Liceo artistico",
    ),
    education("Laurea in Lettere", "71011001", 6, EducationStage::Bachelor),
    education(
        "Laurea in Filosofia",
        "71011004",
        6,
        EducationStage::Bachelor,
    ),
    education(
        "Laurea in Lingue e culture moderne",
        "71012002",
        6,
        EducationStage::Bachelor,
    ),
    education(
        "Laurea in Scienze dell'educazione e della formazione",
        "71013001",
        6,
        EducationStage::Bachelor,
    ),
    education(
        "Laurea in Infermieristica (professioni sanitarie infermieristiche)",
        "71004001",
        6,
        EducationStage::Bachelor,
    ),
    education(
        "Laurea in Scienze e tecnologie fisiche",
        "71001002",
        6,
        EducationStage::Bachelor,
    ),
    education(
        "Laurea specialistica in Informatica",
        "74001002",
        7,
        EducationStage::Master,
    ),
    education(
        "Laurea specialistica in Ingegneria informatica",
        "74005005",
        7,
        EducationStage::Master,
    ),
    education(
        "Laurea specialistica in Ingegneria meccanica",
        "74005010",
        7,
        EducationStage::Master,
    ),
    education(
        "Laurea specialistica in Biologia",
        "74003001",
        7,
        EducationStage::Master,
    ),
    education(
        "Laurea specialistica a ciclo unico in Medicina e chirurgia",
        "73004001",
        7,
        EducationStage::SingleCycle,
    ),
    education(
        "Laurea specialistica a ciclo unico in Farmacia e farmacia industriale",
        "73002001",
        7,
        EducationStage::SingleCycle,
    ),
    education(
        "Laurea in Giurisprudenza (vecchio ordinamento)",
        "72010001",
        7,
        EducationStage::OldDegree,
    ),
    education(
        "Laurea in Lettere (vecchio ordinamento)",
        "72011001",
        7,
        EducationStage::OldDegree,
    ),
    education(
        "Laurea in Scienze politiche (vecchio ordinamento)",
        "72009001",
        7,
        EducationStage::OldDegree,
    ),
    education(
        "Laurea in Sociologia (vecchio ordinamento)",
        "72009002",
        7,
        EducationStage::OldDegree,
    ),
    education(
        "Laurea in Lingue e letterature straniere moderne (vecchio ordinamento)",
        "72012001",
        7,
        EducationStage::OldDegree,
    ),
    education(
        "Master universitario di primo livello",
        "81000000",
        7,
        EducationStage::PostGraduate,
    ),
    education(
        "Dottorato di ricerca",
        "90000000",
        8,
        EducationStage::PostGraduate,
    ),
];

/// A regional vocational course (formazione professionale). `eqf_level` is `None` for the short
/// mandatory certificates (safety, HACCP) that no qualification framework levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VocationalCourse {
    pub title: &'static str,
    pub hours: u32,
    pub eqf_level: Option<u8>,
    /// Ends with a qualification (outcome `qualified`) rather than an attendance certificate.
    pub qualifying: bool,
}

const fn course(
    title: &'static str,
    hours: u32,
    eqf_level: Option<u8>,
    qualifying: bool,
) -> VocationalCourse {
    VocationalCourse {
        title,
        hours,
        eqf_level,
        qualifying,
    }
}

pub static VOCATIONAL_COURSES: &[VocationalCourse] = &[
    course("Operatore socio-sanitario (OSS)", 1000, Some(3), true),
    course("Addetto all'assistenza di base (ADB)", 300, Some(3), true),
    course(
        "Addetto alla preparazione, cottura e distribuzione di pietanze e bevande",
        600,
        Some(3),
        true,
    ),
    course("Estetista - qualifica professionale", 1800, Some(3), true),
    course(
        "Acconciatore - qualifica professionale",
        1800,
        Some(3),
        true,
    ),
    course("Saldatore a filo continuo e TIG", 120, Some(2), false),
    course("Addetto al magazzino e alla logistica", 150, Some(2), false),
    course("Addetto alla contabilità e alle paghe", 200, Some(3), false),
    course(
        "Addetto al taglio e alla preparazione in pelletteria",
        300,
        Some(2),
        false,
    ),
    course(
        "Tecnico delle attività di progettazione e sviluppo di applicazioni web",
        900,
        Some(4),
        true,
    ),
    course(
        "Tecnico superiore per la logistica integrata (ITS)",
        1800,
        Some(5),
        true,
    ),
    course("Lingua inglese - livello B1", 60, Some(2), false),
    course("Competenze digitali di base", 40, Some(2), false),
    course(
        "Conduzione di carrelli elevatori semoventi (abilitazione)",
        12,
        None,
        false,
    ),
    course(
        "Formazione dei lavoratori sulla sicurezza - rischio alto",
        16,
        None,
        false,
    ),
    course(
        "Alimentarista - igiene degli alimenti (HACCP)",
        8,
        None,
        false,
    ),
];

/// Universities by official name.
pub static UNIVERSITIES: [&str; 3] = [
    "Università degli Studi di Firenze",
    "Università di Pisa",
    "Università degli Studi di Siena",
];

/// Training agencies for the demo data. Invented names in the style of Tuscan accredited
/// agencies (agenzie formative accreditate); not real organisations.
pub static TRAINING_AGENCIES: [&str; 10] = [
    "Agenzia formativa Arnolfo Scarl (Firenze)",
    "Centro di formazione professionale Valdarno Lavoro (Montevarchi)",
    "Formazione Tirrenica Scarl (Livorno)",
    "Agenzia formativa Pegaso Prato",
    "Istituto di formazione Apuania (Massa)",
    "Scuola edile Toscana Centro (Sesto Fiorentino)",
    "Agenzia formativa Francigena (Siena)",
    "Centro studi Maremma Lavoro (Grosseto)",
    "Polo formativo Valdinievole (Montecatini-Terme)",
    "Agenzia formativa Empolese Valdelsa (Empoli)",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn valid(code: &str, date: NaiveDate) -> bool {
        contract_type(code).unwrap().valid_at(date)
    }

    #[test]
    fn apprenticeship_codes_switch_on_the_fornero_reform() {
        assert!(!valid("A.03.08", d(2012, 4, 25)));
        assert!(valid("A.03.08", d(2012, 4, 26)));
        assert!(valid("A.03.02", d(2012, 4, 25)));
        assert!(!valid("A.03.02", d(2012, 4, 26)));
        assert!(valid("A.03.09", d(2026, 1, 1)));
    }

    #[test]
    fn open_ended_codes_stay_valid_and_expired_ones_end_inclusive() {
        assert!(valid("C.01.00", d(2020, 6, 1)));
        assert!(valid("A.01.00", d(2007, 6, 21)));
        assert!(!valid("A.01.00", d(2007, 6, 20)));
        // both the old and the new domestic-work codes are valid on the switch day
        assert!(valid("A.04.01", d(2013, 1, 10)));
        assert!(valid("A.04.02", d(2013, 1, 10)));
        assert!(!valid("A.04.01", d(2013, 1, 11)));
        assert!(valid("A.07.01", d(2008, 2, 25)));
        assert!(!valid("A.07.01", d(2008, 2, 24)));
        assert!(contract_type("A.99.99").is_none());
    }

    #[test]
    fn contract_codes_are_well_formed_and_unique() {
        let mut seen = HashSet::new();
        for c in CONTRACT_TYPES {
            let b = c.code.as_bytes();
            assert!(
                b.len() == 7
                    && b[0].is_ascii_uppercase()
                    && b[1] == b'.'
                    && b[4] == b'.'
                    && [2, 3, 5, 6].iter().all(|&i| b[i].is_ascii_digit()),
                "{}",
                c.code
            );
            assert!(!c.description.is_empty());
            assert!(c.valid_to.is_none_or(|to| c.valid_from <= to), "{}", c.code);
            assert!(seen.insert(c.code), "duplicate {}", c.code);
        }
    }

    fn is_belfiore(code: &str) -> bool {
        let b = code.as_bytes();
        b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
    }

    #[test]
    fn municipality_codes_match_their_province() {
        let mut istat = HashSet::new();
        let mut belfiore = HashSet::new();
        for m in MUNICIPALITIES {
            let p = province(m.province).unwrap_or_else(|| panic!("{}: province", m.name));
            assert!(
                m.istat_code.len() == 6 && m.istat_code.bytes().all(|b| b.is_ascii_digit()),
                "{}",
                m.name
            );
            assert_eq!(&m.istat_code[..3], p.istat_code, "{}", m.name);
            assert!(
                is_belfiore(m.belfiore) && !m.belfiore.starts_with('Z'),
                "{}",
                m.name
            );
            assert!(istat.insert(m.istat_code), "duplicate {}", m.istat_code);
            assert!(belfiore.insert(m.belfiore), "duplicate {}", m.belfiore);
        }
        let expected = [
            ("FI", "048"),
            ("PO", "100"),
            ("PI", "050"),
            ("AR", "051"),
            ("SI", "052"),
            ("LI", "049"),
            ("LU", "046"),
            ("GR", "053"),
            ("MS", "045"),
            ("PT", "047"),
        ];
        for (sigla, code) in expected {
            assert_eq!(province(sigla).unwrap().istat_code, code);
        }
    }

    #[test]
    fn capoluoghi_have_their_known_codes() {
        for (istat, belfiore, name) in [
            ("048017", "D612", "Firenze"),
            ("100005", "G999", "Prato"),
            ("050026", "G702", "Pisa"),
            ("051002", "A390", "Arezzo"),
            ("052032", "I726", "Siena"),
            ("049009", "E625", "Livorno"),
            ("046017", "E715", "Lucca"),
            ("053011", "E202", "Grosseto"),
            ("045010", "F023", "Massa"),
            ("047014", "G713", "Pistoia"),
            ("048014", "D403", "Empoli"),
        ] {
            let m = municipality_by_istat(istat).unwrap();
            assert_eq!((m.belfiore, m.name), (belfiore, name));
        }
    }

    #[test]
    fn every_comune_has_one_of_the_eleven_cpi_areas() {
        for m in MUNICIPALITIES {
            assert!(CPI_AREAS.contains(&m.cpi_area()), "{}", m.name);
        }
        assert_eq!(
            municipality_by_istat("048014").unwrap().cpi_area(),
            "Empoli"
        );
        assert_eq!(
            municipality_by_istat("048050").unwrap().cpi_area(),
            "Empoli"
        );
        assert_eq!(
            municipality_by_istat("048017").unwrap().cpi_area(),
            "Firenze"
        );
        assert_eq!(municipality_by_istat("100005").unwrap().cpi_area(), "Prato");
        // every Empolese Valdelsa comune is in the table, and every area is used
        for code in EMPOLESE_VALDELSA {
            assert!(municipality_by_istat(code).is_some(), "{code}");
        }
        let used: HashSet<_> = MUNICIPALITIES.iter().map(Municipality::cpi_area).collect();
        assert_eq!(used.len(), CPI_AREAS.len());
    }

    #[test]
    fn merged_comuni_only_fit_later_births() {
        let figline = municipality_by_istat("048052").unwrap();
        assert!(!figline.existed_at(d(1980, 5, 1)));
        assert!(figline.existed_at(d(2014, 1, 1)));
        assert!(
            municipality_by_istat("048017")
                .unwrap()
                .existed_at(d(1958, 1, 1))
        );
    }

    #[test]
    fn foreign_states_are_z_codes_with_iso_citizenship() {
        let mut seen = HashSet::new();
        for s in FOREIGN_STATES {
            assert!(
                is_belfiore(s.belfiore) && s.belfiore.starts_with('Z'),
                "{}",
                s.name
            );
            assert!(
                s.iso_alpha2.len() == 2 && s.iso_alpha2.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                s.name
            );
            assert_ne!(s.iso_alpha2, "IT");
            assert!(seen.insert(s.belfiore));
        }
        assert_eq!(foreign_state("Z129").unwrap().iso_alpha2, "RO");
        assert!(!foreign_state("Z138").unwrap().existed_at(d(1985, 1, 1)));
    }

    #[test]
    fn occupation_activity_and_title_codes_are_well_formed() {
        for o in OCCUPATIONS {
            let parts: Vec<&str> = o.code.split('.').collect();
            assert_eq!(parts.len(), 5, "{}", o.code);
            assert!(
                parts.iter().all(|p| !p.is_empty()
                    && p.len() <= 2
                    && p.bytes().all(|b| b.is_ascii_digit())),
                "{}",
                o.code
            );
            assert!(("1"..="9").contains(&parts[0]), "{}", o.code);
        }
        for a in ACTIVITIES {
            let b = a.code.as_bytes();
            assert!(
                b.len() == 8
                    && b[2] == b'.'
                    && b[5] == b'.'
                    && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit()),
                "{}",
                a.code
            );
        }
        for t in EDUCATION_TITLES {
            assert!(t.sap_code.len() == 8 && t.sap_code.bytes().all(|b| b.is_ascii_digit()));
            assert!((1..=8).contains(&t.eqf_level));
        }
        for c in VOCATIONAL_COURSES {
            assert!(c.hours > 0);
            assert!(
                c.eqf_level.is_none_or(|l| (2..=5).contains(&l)),
                "{}",
                c.title
            );
        }
        let unique = |codes: Vec<&str>| codes.iter().collect::<HashSet<_>>().len() == codes.len();
        assert!(unique(OCCUPATIONS.iter().map(|o| o.code).collect()));
        assert!(unique(ACTIVITIES.iter().map(|a| a.code).collect()));
    }
}
