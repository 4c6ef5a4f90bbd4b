//! SeaORM entities of the gateway's own store (the regional databases are not ours and
//! have no entities here: they are read through the contract views).

pub mod audit_log;
