//! Who a fiscal code is (DOMAIN.md §3.1): identity is the exact 16-character code. An omocode
//! variant is another person, so nothing is merged across variants; an old code is joined to a
//! new one only by an explicit, audited link (`linkFiscalCodes`), made by an administrator when
//! a code really changed (omocodia found late, rectified personal data).

use super::FiscalCode;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// An old code joined to the code the person holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeLink {
    pub id: String,
    pub from: FiscalCode,
    pub to: FiscalCode,
    pub reason: String,
    pub linked_at: DateTime<Utc>,
    pub linked_by: String,
}

/// Links may not chain deeper than this: a person whose code changed more than a few times
/// is a data problem for a human, and the bound keeps every expansion small.
pub const MAX_LINK_DEPTH: usize = 4;

/// Why a link cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("from and to are the same code")]
    SameCode,
    #[error("{0} is already linked to {1}: unlink it first")]
    AlreadyLinked(FiscalCode, FiscalCode),
    #[error("{to} is itself linked (directly or not) to {from}: the link would close a cycle")]
    Cycle { from: FiscalCode, to: FiscalCode },
    #[error("the chain of links into {0} would be longer than {MAX_LINK_DEPTH}")]
    TooDeep(FiscalCode),
}

/// Every active link, indexed both ways.
#[derive(Debug, Clone, Default)]
pub struct LinkMap {
    /// A code → the links of the older codes whose data appears under it, nearest first.
    into: HashMap<FiscalCode, Vec<Arc<CodeLink>>>,
    /// An old code → its own link to the code that replaced it.
    out_of: HashMap<FiscalCode, Arc<CodeLink>>,
}

impl LinkMap {
    /// Builds the map from the active links. Links that would loop or chain too deep (only
    /// possible if the table was edited by hand) are left out of the expansion.
    pub fn new(links: impl IntoIterator<Item = CodeLink>) -> Self {
        let mut out_of: HashMap<FiscalCode, Arc<CodeLink>> = HashMap::new();
        let mut direct: HashMap<FiscalCode, Vec<Arc<CodeLink>>> = HashMap::new();
        for link in links {
            let link = Arc::new(link);
            direct
                .entry(link.to.clone())
                .or_default()
                .push(link.clone());
            out_of.insert(link.from.clone(), link);
        }
        let mut into = HashMap::new();
        for to in direct.keys() {
            let mut all: Vec<Arc<CodeLink>> = Vec::new();
            let mut frontier = vec![to.clone()];
            for _ in 0..MAX_LINK_DEPTH {
                let mut next = Vec::new();
                for code in &frontier {
                    for link in direct.get(code).into_iter().flatten() {
                        if link.from != *to && !all.iter().any(|l| l.from == link.from) {
                            all.push(link.clone());
                            next.push(link.from.clone());
                        }
                    }
                }
                frontier = next;
            }
            all.sort_by(|a, b| b.linked_at.cmp(&a.linked_at).then(a.from.cmp(&b.from)));
            into.insert(to.clone(), all);
        }
        LinkMap { into, out_of }
    }

    pub fn is_empty(&self) -> bool {
        self.out_of.is_empty()
    }

    /// The links of the older codes whose data appears under `code`.
    pub fn older_codes(&self, code: &FiscalCode) -> &[Arc<CodeLink>] {
        self.into.get(code).map_or(&[], Vec::as_slice)
    }

    /// The link that moved `code` to a newer code, if any.
    pub fn replaced_by(&self, code: &FiscalCode) -> Option<&Arc<CodeLink>> {
        self.out_of.get(code)
    }

    /// The link a row stored under `stored` came through when shown under `citizen`; `None`
    /// for the citizen's own rows.
    pub fn via(&self, citizen: &FiscalCode, stored: &FiscalCode) -> Option<&Arc<CodeLink>> {
        if citizen == stored {
            return None;
        }
        self.older_codes(citizen).iter().find(|l| l.from == *stored)
    }

    /// `citizen` and every older code linked into it: what the sources and the store are
    /// asked for to show the whole person.
    pub fn family(&self, citizen: &FiscalCode) -> Vec<FiscalCode> {
        let mut codes = vec![citizen.clone()];
        codes.extend(self.older_codes(citizen).iter().map(|l| l.from.clone()));
        codes
    }

    /// Whether linking `from` to `to` keeps the map a forest of short chains.
    pub fn check_new(&self, from: &FiscalCode, to: &FiscalCode) -> Result<(), LinkError> {
        if from == to {
            return Err(LinkError::SameCode);
        }
        if let Some(existing) = self.replaced_by(from) {
            return Err(LinkError::AlreadyLinked(from.clone(), existing.to.clone()));
        }
        // `to` reaches `from` through the links out of `to`: the new link would close a cycle
        let mut depth_above = 0;
        let mut at = to.clone();
        while let Some(link) = self.replaced_by(&at) {
            if link.to == *from {
                return Err(LinkError::Cycle {
                    from: from.clone(),
                    to: to.clone(),
                });
            }
            at = link.to.clone();
            depth_above += 1;
        }
        let depth_below = self.depth_below(from);
        if depth_above + 1 + depth_below > MAX_LINK_DEPTH {
            return Err(LinkError::TooDeep(at));
        }
        Ok(())
    }

    /// The longest chain of links into `code`.
    fn depth_below(&self, code: &FiscalCode) -> usize {
        self.older_codes(code)
            .iter()
            .filter(|l| l.to == *code)
            .map(|l| 1 + self.depth_below(&l.from))
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> FiscalCode {
        FiscalCode::parse(s).unwrap()
    }

    fn link(from: &FiscalCode, to: &FiscalCode, day: u32) -> CodeLink {
        CodeLink {
            id: format!("{from}>{to}"),
            from: from.clone(),
            to: to.clone(),
            reason: "rettifica".into(),
            linked_at: chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, day, 9, 0, 0).unwrap(),
            linked_by: "admin".into(),
        }
    }

    #[test]
    fn an_old_code_shows_under_the_new_one_transitively_and_only_there() {
        let a = code("RSSMRA85T10A562S");
        let b = a.omocode_variant(1);
        let c = a.omocode_variant(2);
        let map = LinkMap::new([link(&a, &b, 1), link(&b, &c, 2)]);
        assert_eq!(map.family(&c), vec![c.clone(), b.clone(), a.clone()]);
        assert_eq!(map.family(&b), vec![b.clone(), a.clone()]);
        assert_eq!(
            map.family(&a),
            vec![a.clone()],
            "links do not flow backwards"
        );
        assert_eq!(
            map.via(&c, &a).map(|l| &l.to),
            Some(&b),
            "a row says its own link"
        );
        assert!(map.via(&c, &c).is_none());
        assert_eq!(map.replaced_by(&a).map(|l| &l.to), Some(&b));
    }

    #[test]
    fn cycles_second_links_and_deep_chains_are_refused() {
        let codes: Vec<FiscalCode> = (0..7)
            .map(|l| code("RSSMRA85T10A562S").omocode_variant(l))
            .collect();
        let map = LinkMap::new([link(&codes[0], &codes[1], 1), link(&codes[1], &codes[2], 2)]);
        assert_eq!(
            map.check_new(&codes[3], &codes[3]),
            Err(LinkError::SameCode)
        );
        assert!(matches!(
            map.check_new(&codes[2], &codes[0]),
            Err(LinkError::Cycle { .. })
        ));
        assert!(matches!(
            map.check_new(&codes[0], &codes[4]),
            Err(LinkError::AlreadyLinked(..))
        ));
        assert_eq!(map.check_new(&codes[2], &codes[3]), Ok(()));
        let deeper = LinkMap::new([
            link(&codes[0], &codes[1], 1),
            link(&codes[1], &codes[2], 2),
            link(&codes[2], &codes[3], 3),
            link(&codes[3], &codes[4], 4),
        ]);
        assert!(matches!(
            deeper.check_new(&codes[4], &codes[5]),
            Err(LinkError::TooDeep(_))
        ));
        assert_eq!(deeper.family(&codes[4]).len(), 5);
    }
}
