//! Spaced repetition: FSRS-6 through the `fsrs` crate, with Anki-style same-day steps.
//!
//! Pure: every function takes `now`. A card's memory state (stability, difficulty) is updated by
//! FSRS at every graded answer, same-day ones included (FSRS-6 models short-term memory). The
//! *due* time follows Anki: a new or lapsed card walks through short (re)learning steps in
//! minutes, then graduates to the interval FSRS computes for the desired retention.

use chrono::{DateTime, Duration, Utc};
use fsrs::{FSRS, MemoryState};

/// Learning steps for new cards, as Anki's defaults: 1 minute, 10 minutes.
pub const LEARNING_STEPS_MIN: &[i64] = &[1, 10];
/// Relearning steps after a lapse, as Anki's default: 10 minutes.
pub const RELEARNING_STEPS_MIN: &[i64] = &[10];
pub const DEFAULT_RETENTION: f32 = 0.90;
pub const MAX_INTERVAL_DAYS: f32 = 36_500.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    pub fn from_u8(n: u8) -> Option<Rating> {
        match n {
            1 => Some(Rating::Again),
            2 => Some(Rating::Hard),
            3 => Some(Rating::Good),
            4 => Some(Rating::Easy),
            _ => None,
        }
    }

    /// The automatic rating of an answer: wrong = Again, right = Good.
    pub fn auto(correct: bool) -> Rating {
        if correct { Rating::Good } else { Rating::Again }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rating::Again => "Again",
            Rating::Hard => "Hard",
            Rating::Good => "Good",
            Rating::Easy => "Easy",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardPhase {
    New,
    Learning,
    Review,
    Relearning,
}

impl CardPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            CardPhase::New => "new",
            CardPhase::Learning => "learning",
            CardPhase::Review => "review",
            CardPhase::Relearning => "relearning",
        }
    }

    pub fn parse(s: &str) -> Option<CardPhase> {
        match s {
            "new" => Some(CardPhase::New),
            "learning" => Some(CardPhase::Learning),
            "review" => Some(CardPhase::Review),
            "relearning" => Some(CardPhase::Relearning),
            _ => None,
        }
    }
}

/// The scheduling state of one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub question_id: String,
    pub phase: CardPhase,
    pub stability: Option<f32>,
    pub difficulty: Option<f32>,
    pub due: DateTime<Utc>,
    pub step: u32,
    pub reps: u32,
    pub lapses: u32,
    pub last_review: Option<DateTime<Utc>>,
}

impl Card {
    pub fn new(question_id: &str, now: DateTime<Utc>) -> Card {
        Card {
            question_id: question_id.to_string(),
            phase: CardPhase::New,
            stability: None,
            difficulty: None,
            due: now,
            step: 0,
            reps: 0,
            lapses: 0,
            last_review: None,
        }
    }

    fn memory(&self) -> Option<MemoryState> {
        match (self.stability, self.difficulty) {
            (Some(stability), Some(difficulty)) => Some(MemoryState { stability, difficulty }),
            _ => None,
        }
    }

    /// Probability of recall now under FSRS-6 (None for a card never reviewed).
    pub fn retrievability(&self, sched: &Scheduler, now: DateTime<Utc>) -> Option<f32> {
        let mem = self.memory()?;
        let last = self.last_review?;
        let days = ((now - last).num_seconds().max(0) as f32) / 86_400.0;
        Some(fsrs::current_retrievability(mem, days, sched.decay()))
    }
}

/// Why a [`Scheduler`] cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SchedulerError {
    /// The `fsrs` crate refused the parameters (its own words).
    #[error("invalid FSRS parameters: {0}")]
    Params(String),
    #[error("desired retention {0} must be between 0.70 and 0.99")]
    Retention(f32),
}

/// The FSRS model with the learner's parameters and desired retention.
pub struct Scheduler {
    fsrs: FSRS,
    params: Vec<f32>,
    pub retention: f32,
}

impl Scheduler {
    /// `params` empty means the FSRS-6 defaults.
    pub fn new(params: &[f32], retention: f32) -> Result<Scheduler, SchedulerError> {
        let fsrs = FSRS::new(params).map_err(|e| SchedulerError::Params(format!("{e:?}")))?;
        let params = if params.is_empty() {
            fsrs::DEFAULT_PARAMETERS.to_vec()
        } else {
            params.to_vec()
        };
        if !(0.70..=0.99).contains(&retention) {
            return Err(SchedulerError::Retention(retention));
        }
        Ok(Scheduler {
            fsrs,
            params,
            retention,
        })
    }

    pub fn default_params() -> Scheduler {
        Scheduler {
            fsrs: FSRS::default(),
            params: fsrs::DEFAULT_PARAMETERS.to_vec(),
            retention: DEFAULT_RETENTION,
        }
    }

    pub fn params(&self) -> &[f32] {
        &self.params
    }

    fn decay(&self) -> f32 {
        self.params.get(20).copied().unwrap_or(fsrs::FSRS6_DEFAULT_DECAY)
    }

    /// The card after answering it with `rating` at `now`.
    pub fn answer(&self, card: &Card, rating: Rating, now: DateTime<Utc>) -> Card {
        let elapsed_days = card
            .last_review
            .map(|l| (now - l).num_days().max(0) as u32)
            .unwrap_or(0);
        let mut next = card.clone();
        next.reps += 1;
        next.last_review = Some(now);
        // Memory state: FSRS. If the crate refuses (it should not for valid states), keep the
        // previous state rather than lose the answer.
        let states = self.fsrs.next_states(card.memory(), self.retention, elapsed_days).ok();
        let chosen = states.as_ref().map(|s| match rating {
            Rating::Again => &s.again,
            Rating::Hard => &s.hard,
            Rating::Good => &s.good,
            Rating::Easy => &s.easy,
        });
        if let Some(st) = chosen {
            next.stability = Some(st.memory.stability);
            next.difficulty = Some(st.memory.difficulty);
        }
        let interval_days = chosen
            .map(|s| s.interval.clamp(1.0, MAX_INTERVAL_DAYS))
            .unwrap_or(1.0)
            .round();
        let graduate = |c: &mut Card| {
            c.phase = CardPhase::Review;
            c.step = 0;
            c.due = now + Duration::seconds((interval_days * 86_400.0) as i64);
        };
        match card.phase {
            CardPhase::New | CardPhase::Learning => {
                let steps = LEARNING_STEPS_MIN;
                let step = if card.phase == CardPhase::New {
                    0
                } else {
                    card.step as usize
                };
                walk_steps(&mut next, steps, step, rating, now, CardPhase::Learning, graduate);
            }
            CardPhase::Relearning => {
                walk_steps(
                    &mut next,
                    RELEARNING_STEPS_MIN,
                    card.step as usize,
                    rating,
                    now,
                    CardPhase::Relearning,
                    graduate,
                );
            }
            CardPhase::Review => {
                if rating == Rating::Again {
                    next.lapses += 1;
                    next.phase = CardPhase::Relearning;
                    next.step = 0;
                    next.due = now + Duration::minutes(RELEARNING_STEPS_MIN[0]);
                } else {
                    graduate(&mut next);
                }
            }
        }
        next
    }
}

/// Anki's step logic: Again restarts the steps; Hard repeats the current step (on the first
/// step, the average of the first two); Good moves to the next step or graduates after the
/// last; Easy graduates at once.
fn walk_steps(
    next: &mut Card,
    steps: &[i64],
    step: usize,
    rating: Rating,
    now: DateTime<Utc>,
    phase: CardPhase,
    graduate: impl Fn(&mut Card),
) {
    let step = step.min(steps.len().saturating_sub(1));
    match rating {
        Rating::Again => {
            next.phase = phase;
            next.step = 0;
            next.due = now + Duration::minutes(steps[0]);
        }
        Rating::Hard => {
            next.phase = phase;
            next.step = step as u32;
            let minutes = if step == 0 && steps.len() > 1 {
                (steps[0] + steps[1]) / 2
            } else if step == 0 {
                steps[0] * 3 / 2
            } else {
                steps[step]
            };
            next.due = now + Duration::minutes(minutes.max(1));
        }
        Rating::Good => {
            if step + 1 < steps.len() {
                next.phase = phase;
                next.step = (step + 1) as u32;
                next.due = now + Duration::minutes(steps[step + 1]);
            } else {
                graduate(next);
            }
        }
        Rating::Easy => graduate(next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).single().expect("valid date")
    }

    #[test]
    fn new_card_walks_learning_steps_then_graduates() {
        let s = Scheduler::default_params();
        let c = Card::new("q", t0());
        let c1 = s.answer(&c, Rating::Good, t0());
        assert_eq!(c1.phase, CardPhase::Learning);
        assert_eq!(c1.due, t0() + Duration::minutes(10));
        assert!(c1.stability.is_some());
        let t1 = t0() + Duration::minutes(10);
        let c2 = s.answer(&c1, Rating::Good, t1);
        assert_eq!(c2.phase, CardPhase::Review);
        assert!(c2.due >= t1 + Duration::days(1));
        assert_eq!(c2.reps, 2);
    }

    #[test]
    fn again_on_review_is_a_lapse_into_relearning() {
        let s = Scheduler::default_params();
        let c = s.answer(&Card::new("q", t0()), Rating::Easy, t0());
        assert_eq!(c.phase, CardPhase::Review);
        let later = c.due;
        let l = s.answer(&c, Rating::Again, later);
        assert_eq!(l.phase, CardPhase::Relearning);
        assert_eq!(l.lapses, 1);
        assert_eq!(l.due, later + Duration::minutes(10));
        assert!(l.stability < c.stability);
        let back = s.answer(&l, Rating::Good, l.due);
        assert_eq!(back.phase, CardPhase::Review);
    }

    #[test]
    fn better_ratings_give_longer_intervals_and_never_the_past() {
        let s = Scheduler::default_params();
        let c = s.answer(&Card::new("q", t0()), Rating::Easy, t0());
        let now = c.due + Duration::days(2);
        let dues: Vec<_> = [Rating::Hard, Rating::Good, Rating::Easy]
            .iter()
            .map(|&r| s.answer(&c, r, now).due)
            .collect();
        assert!(dues[0] <= dues[1] && dues[1] <= dues[2], "{dues:?}");
        assert!(dues.iter().all(|d| *d > now));
    }

    #[test]
    fn higher_retention_means_shorter_intervals() {
        let lo = Scheduler::new(&[], 0.80).expect("valid");
        let hi = Scheduler::new(&[], 0.95).expect("valid");
        let c = lo.answer(&Card::new("q", t0()), Rating::Easy, t0());
        let now = c.due;
        assert!(hi.answer(&c, Rating::Good, now).due < lo.answer(&c, Rating::Good, now).due);
    }

    #[test]
    fn retention_out_of_range_is_refused() {
        assert!(Scheduler::new(&[], 0.5).is_err());
        assert!(Scheduler::new(&[1.0, 2.0], 0.9).is_err());
    }
}
