//! Why one call to a regional source failed, in one word, and whether that says anything about
//! the source's health (issue 20). Only the source's own faults — no answer in time, no
//! connection, a failure on its side — count toward its circuit breaker and mark it DOWN. An
//! error the request caused (a pattern the engine refuses) or an answer outside the contract (a
//! view or column missing, a row that does not decode) leaves the breaker alone: otherwise one
//! client's mistake, repeated a few times, would close the source to every user.
//!
//! The full text of an error may quote a row (personal data): it goes to the log at debug
//! only. Answers, `/readyz` and the log at info and above get the reason word, the engine's
//! code (SQLSTATE, SQLite result code, MySQL error number, HTTP status) and an error id.

use sea_orm::sqlx::error::DatabaseError;
use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr, sqlx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// No complete answer within the deadline.
    Timeout,
    /// No connection: refused, DNS, TLS, login refused, no connection free in time.
    Unreachable,
    /// The source failed on its side: out of resources, shutting down, an internal error,
    /// HTTP 5xx.
    Server,
    /// The source answered outside the contract: a view, column or endpoint missing, a value
    /// of the wrong type, a row that does not decode, access refused to a view.
    Contract,
    /// The source refused what this request asked (a value or pattern it cannot take).
    Rejected,
}

impl Fault {
    /// `extensions.reason`, `lastError` and the metrics' `outcome`.
    pub fn reason(self) -> &'static str {
        match self {
            Fault::Timeout => "timeout",
            Fault::Unreachable => "unreachable",
            Fault::Server => "error",
            Fault::Contract => "contract",
            Fault::Rejected => "rejected",
        }
    }

    /// Whether the source itself is unwell: counts toward its circuit breaker and marks it
    /// DOWN. A source that answered, even with an error, is up.
    pub fn is_source_fault(self) -> bool {
        matches!(self, Fault::Timeout | Fault::Unreachable | Fault::Server)
    }
}

/// One failed call: its kind, the engine's code when it gave one (safe to log: it carries no
/// data) and the full text (debug log only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub fault: Fault,
    pub code: Option<String>,
    pub detail: String,
}

impl CallError {
    pub fn new(fault: Fault, detail: impl Into<String>) -> Self {
        CallError {
            fault,
            code: None,
            detail: detail.into(),
        }
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }
}

impl From<DbErr> for CallError {
    fn from(err: DbErr) -> Self {
        let (fault, code) = of_db(&err);
        CallError {
            fault,
            code,
            detail: err.to_string(),
        }
    }
}

/// The kind of a SeaORM error, and the engine's code when there is one.
pub fn of_db(err: &DbErr) -> (Fault, Option<String>) {
    match err {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout | ConnAcquireErr::ConnectionClosed) => {
            (Fault::Unreachable, None)
        }
        DbErr::Conn(RuntimeErr::SqlxError(e)) => match of_sqlx(e) {
            // a login or database the server refuses at connect is as good as no connection
            (Fault::Contract | Fault::Rejected, code) => (Fault::Unreachable, code),
            other => other,
        },
        DbErr::Conn(_) => (Fault::Unreachable, None),
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            of_sqlx(e)
        }
        // a row the adapter could not read as the contract's types
        DbErr::Type(_) | DbErr::TryIntoErr { .. } | DbErr::Json(_) => (Fault::Contract, None),
        _ => (Fault::Server, None),
    }
}

fn of_sqlx(err: &sqlx::Error) -> (Fault, Option<String>) {
    use sqlx::Error as E;
    match err {
        E::Database(e) => of_database(e.as_ref()),
        E::Io(_)
        | E::Tls(_)
        | E::PoolTimedOut
        | E::PoolClosed
        | E::WorkerCrashed
        | E::Configuration(_) => (Fault::Unreachable, None),
        E::ColumnDecode { .. }
        | E::Decode(_)
        | E::TypeNotFound { .. }
        | E::ColumnIndexOutOfBounds { .. }
        | E::ColumnNotFound(_)
        | E::RowNotFound => (Fault::Contract, None),
        E::Encode(_) | E::InvalidArgument(_) => (Fault::Rejected, None),
        _ => (Fault::Server, None),
    }
}

fn of_database(err: &dyn DatabaseError) -> (Fault, Option<String>) {
    if let Some(e) = err.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
        let code = e.code().map(|c| c.into_owned()).unwrap_or_default();
        let fault = of_sqlite(code.parse().unwrap_or(0), e.message());
        return (fault, Some(code));
    }
    if let Some(e) = err.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        let fault = of_mysql(e.number(), e.code().unwrap_or(""));
        return (fault, Some(e.number().to_string()));
    }
    // PostgreSQL, and any other engine that reports a SQLSTATE
    let code = err.code().map(|c| c.into_owned()).unwrap_or_default();
    (of_sqlstate(&code), Some(code))
}

/// By the SQLSTATE class (the first two characters), as PostgreSQL documents them.
pub fn of_sqlstate(code: &str) -> Fault {
    match code {
        // query_canceled: statement_timeout, or a cancel on our deadline
        "57014" => Fault::Timeout,
        // insufficient_privilege: this user may not read a view
        "42501" => Fault::Contract,
        _ => match code.get(..2).unwrap_or("") {
            // connection exception; invalid authorization; no such database
            "08" | "28" | "3D" => Fault::Unreachable,
            // syntax or access rule (undefined table/column/function, datatype mismatch: a
            // view whose types differ from the contract's); feature not supported
            "42" | "0A" => Fault::Contract,
            // data exception (a value the request gave, or a row a view cannot convert);
            // integrity; program limit exceeded ("statement too complex")
            "22" | "23" | "54" => Fault::Rejected,
            // resources, operator intervention, system, internal; rollbacks (deadlock,
            // serialization), locks, transaction state; and anything unknown
            _ => Fault::Server,
        },
    }
}

/// SQLite has no SQLSTATE: the primary result code (the low byte of the extended one), and
/// for its catch-all SQLITE_ERROR the message.
pub fn of_sqlite(extended_code: i32, message: &str) -> Fault {
    const ERROR: i32 = 1;
    const PERM: i32 = 3;
    const INTERRUPT: i32 = 9;
    const TOOBIG: i32 = 18;
    const CONSTRAINT: i32 = 19;
    const MISMATCH: i32 = 20;
    const AUTH: i32 = 23;
    const RANGE: i32 = 25;
    match extended_code & 0xff {
        ERROR => {
            let request_made = [
                "pattern too complex",
                "too many SQL variables",
                "too big",
                "too many terms",
                "Expression tree is too large",
            ];
            if request_made.iter().any(|m| message.contains(m)) {
                Fault::Rejected
            } else {
                // no such table or column, a view that no longer compiles
                Fault::Contract
            }
        }
        PERM | AUTH => Fault::Contract,
        TOOBIG | CONSTRAINT | MISMATCH | RANGE => Fault::Rejected,
        INTERRUPT => Fault::Timeout,
        // BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, SCHEMA,
        // NOTADB…: the file or the engine, not the request
        _ => Fault::Server,
    }
}

/// MySQL/MariaDB: the error numbers whose SQLSTATE says too little (HY000 is most of them),
/// then the SQLSTATE.
pub fn of_mysql(number: u16, sqlstate: &str) -> Fault {
    match number {
        // max_execution_time exceeded; query interrupted
        1317 | 1969 | 3024 => Fault::Timeout,
        // too many connections; max_user_connections; user resource exceeded
        1040 | 1203 | 1226 => Fault::Unreachable,
        // lock wait timeout; deadlock; disk full; out of memory; out of sort memory
        1021 | 1037 | 1038 | 1205 | 1213 => Fault::Server,
        // no such table, unknown column, command or column denied, a view gone invalid
        1054 | 1142 | 1143 | 1146 | 1356 => Fault::Contract,
        _ => match sqlstate {
            "HY000" | "" => Fault::Server,
            other => of_sqlstate(other),
        },
    }
}

/// An HTTP source's answer status other than 2xx.
pub fn of_http_status(status: u16) -> Fault {
    match status {
        408 | 504 => Fault::Timeout,
        // too many requests: the service asks to be left alone, as the breaker does
        429 => Fault::Server,
        // the body, URL or values of this request
        400 | 413 | 414 | 422 => Fault::Rejected,
        // token refused, endpoint or method not there: the service is not as configured
        400..=499 => Fault::Contract,
        500..=599 => Fault::Server,
        // 1xx/3xx where an answer was due
        _ => Fault::Contract,
    }
}

/// A request to an HTTP source that got no answer. The URL is left out: a region may put a
/// key in it.
pub fn of_transport(err: reqwest::Error) -> CallError {
    if err.is_timeout() {
        return CallError::new(Fault::Timeout, "no answer in time");
    }
    let fault = if err.is_connect() || err.is_request() {
        Fault::Unreachable
    } else {
        // the connection broke off or garbled the answer's body
        Fault::Server
    };
    let err = err.without_url();
    let mut detail = err.to_string();
    let mut cause = std::error::Error::source(&err);
    while let Some(c) = cause {
        let text = c.to_string();
        if !detail.contains(&text) {
            detail.push_str(": ");
            detail.push_str(&text);
        }
        cause = c.source();
    }
    CallError::new(fault, detail)
}

/// An HTTP source's body that is not `{"rows": [objects]}`. serde's own message is left out:
/// it quotes the values it could not take, which may be personal data.
pub fn of_json_answer(endpoint: &str, err: &serde_json::Error) -> CallError {
    use serde_json::error::Category;
    let what = match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => "it is not JSON",
        Category::Data => "it has another shape",
    };
    CallError::new(
        Fault::Contract,
        format!(
            "/{endpoint} did not answer {{\"rows\": [objects]}}: {what} (line {}, column {})",
            err.line(),
            err.column()
        ),
    )
}

#[cfg(test)]
mod tests;
