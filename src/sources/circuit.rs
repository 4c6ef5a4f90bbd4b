//! The circuit breaker of one regional source. A source that keeps failing is not called at
//! all for a while, so that a dead database or service costs each request nothing instead of
//! its full deadline (and does not get hammered while it recovers): after `failure_threshold`
//! consecutive failed calls the circuit opens and calls fail at once with reason
//! [`CIRCUIT_OPEN`]; once `cool_down` has passed, one probe call goes through (half-open) and
//! its outcome closes the circuit or opens it for another cool-down.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `extensions.reason` of a call the circuit refused.
pub const CIRCUIT_OPEN: &str = "circuit_open";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    /// Calls go through.
    Closed,
    /// Calls fail at once (reason `circuit_open`) until the cool-down ends.
    Open,
    /// The cool-down is over: the next call probes the source (one at a time; others still
    /// fail at once) and decides whether the circuit closes or opens again.
    HalfOpen,
}

impl CircuitState {
    pub fn as_str(self) -> &'static str {
        match self {
            CircuitState::Closed => "closed",
            CircuitState::Open => "open",
            CircuitState::HalfOpen => "half_open",
        }
    }
}

pub struct Circuit {
    threshold: u32,
    cool_down: Duration,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    consecutive_failures: u32,
    /// When the circuit (last) opened; `None` while closed.
    opened_at: Option<Instant>,
    /// A half-open probe is in flight.
    probing: bool,
}

/// What a finished call changed, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Opened,
    Reopened,
    Closed,
}

/// Leave to make one call. Report its outcome with [`Permit::finish`]; a probe dropped
/// unreported (its request was cancelled) frees the probe slot, or the circuit would never
/// let another probe through.
pub struct Permit<'a> {
    circuit: &'a Circuit,
    probe: bool,
    reported: bool,
}

impl Circuit {
    pub fn new(threshold: u32, cool_down: Duration) -> Self {
        Circuit {
            threshold: threshold.max(1),
            cool_down,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A permit to call the source now, or `None` when the circuit refuses the call.
    pub fn admit(&self) -> Option<Permit<'_>> {
        self.admit_at(Instant::now())
    }

    fn admit_at(&self, now: Instant) -> Option<Permit<'_>> {
        let mut inner = self.lock();
        let probe = match inner.opened_at {
            None => false,
            Some(at) if !inner.probing && now.saturating_duration_since(at) >= self.cool_down => {
                inner.probing = true;
                true
            }
            Some(_) => return None,
        };
        Some(Permit {
            circuit: self,
            probe,
            reported: false,
        })
    }

    fn report(&self, probe: bool, ok: bool, now: Instant) -> Option<Transition> {
        let mut inner = self.lock();
        if probe {
            inner.probing = false;
        }
        if ok {
            inner.consecutive_failures = 0;
            // any answer, a probe's or a late one from before the circuit opened, shows the
            // source is back
            return inner.opened_at.take().map(|_| Transition::Closed);
        }
        inner.consecutive_failures = inner.consecutive_failures.saturating_add(1);
        if probe {
            inner.opened_at = Some(now);
            Some(Transition::Reopened)
        } else if inner.opened_at.is_none() && inner.consecutive_failures >= self.threshold {
            inner.opened_at = Some(now);
            Some(Transition::Opened)
        } else {
            // a late failure of a call admitted before the circuit opened does not extend
            // the cool-down
            None
        }
    }

    pub fn state(&self) -> CircuitState {
        self.state_at(Instant::now())
    }

    fn state_at(&self, now: Instant) -> CircuitState {
        let inner = self.lock();
        match inner.opened_at {
            None => CircuitState::Closed,
            Some(at) if inner.probing || now.saturating_duration_since(at) >= self.cool_down => {
                CircuitState::HalfOpen
            }
            Some(_) => CircuitState::Open,
        }
    }

    pub fn consecutive_failures(&self) -> u32 {
        self.lock().consecutive_failures
    }

    pub fn threshold(&self) -> u32 {
        self.threshold
    }

    pub fn cool_down(&self) -> Duration {
        self.cool_down
    }
}

impl Permit<'_> {
    /// Records the call's outcome; says whether the circuit changed state.
    pub fn finish(mut self, ok: bool) -> Option<Transition> {
        self.reported = true;
        self.circuit.report(self.probe, ok, Instant::now())
    }

    #[cfg(test)]
    fn finish_at(mut self, ok: bool, now: Instant) -> Option<Transition> {
        self.reported = true;
        self.circuit.report(self.probe, ok, now)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.probe && !self.reported {
            self.circuit.lock().probing = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOL: Duration = Duration::from_millis(200);

    fn fail(c: &Circuit, now: Instant) -> Option<Transition> {
        c.admit_at(now).expect("admitted").finish_at(false, now)
    }

    #[test]
    fn opens_after_threshold_consecutive_failures_only() {
        let c = Circuit::new(3, COOL);
        let t0 = Instant::now();
        assert_eq!(fail(&c, t0), None);
        assert_eq!(fail(&c, t0), None);
        // a success in between starts the count again
        assert_eq!(c.admit_at(t0).unwrap().finish_at(true, t0), None);
        assert_eq!(c.consecutive_failures(), 0);
        assert_eq!(fail(&c, t0), None);
        assert_eq!(fail(&c, t0), None);
        assert_eq!(c.state_at(t0), CircuitState::Closed);
        assert_eq!(fail(&c, t0), Some(Transition::Opened));
        assert_eq!(c.state_at(t0), CircuitState::Open);
        assert_eq!(c.consecutive_failures(), 3);
        assert!(c.admit_at(t0 + COOL / 2).is_none(), "refused while open");
    }

    #[test]
    fn one_probe_after_the_cool_down_closes_or_reopens() {
        let c = Circuit::new(1, COOL);
        let t0 = Instant::now();
        assert_eq!(fail(&c, t0), Some(Transition::Opened));
        let t1 = t0 + COOL;
        assert_eq!(c.state_at(t1), CircuitState::HalfOpen);
        let probe = c.admit_at(t1).expect("the probe");
        assert!(c.admit_at(t1).is_none(), "one probe at a time");
        assert_eq!(probe.finish_at(false, t1), Some(Transition::Reopened));
        assert_eq!(c.state_at(t1), CircuitState::Open);
        assert!(
            c.admit_at(t1 + COOL / 2).is_none(),
            "a failed probe starts a new cool-down"
        );
        let t2 = t1 + COOL;
        let probe = c.admit_at(t2).expect("the next probe");
        assert_eq!(probe.finish_at(true, t2), Some(Transition::Closed));
        assert_eq!(c.state_at(t2), CircuitState::Closed);
        assert_eq!(c.consecutive_failures(), 0);
        assert!(c.admit_at(t2).is_some());
    }

    #[test]
    fn a_probe_dropped_unreported_frees_the_slot() {
        let c = Circuit::new(1, COOL);
        let t0 = Instant::now();
        fail(&c, t0);
        let t1 = t0 + COOL;
        drop(c.admit_at(t1).expect("probe"));
        assert!(c.admit_at(t1).is_some(), "another probe may go");
    }

    #[test]
    fn late_failures_do_not_extend_the_cool_down() {
        let c = Circuit::new(2, COOL);
        let t0 = Instant::now();
        // three calls admitted together while closed, all failing
        let permits: Vec<_> = (0..3).map(|_| c.admit_at(t0).unwrap()).collect();
        let transitions: Vec<_> = permits
            .into_iter()
            .enumerate()
            .map(|(i, p)| p.finish_at(false, t0 + Duration::from_millis(i as u64 * 50)))
            .collect();
        assert_eq!(transitions, [None, Some(Transition::Opened), None]);
        assert_eq!(
            c.state_at(t0 + Duration::from_millis(50) + COOL),
            CircuitState::HalfOpen
        );
    }
}
