//! Mastery: how well the learner knows each skill, task and domain, in 0..1.
//!
//! The model: recency-weighted accuracy shrunk toward zero. Each answer counts with weight
//! `0.5^(age / 30 days)` (a 30-day half-life), mock-exam answers count 1.5 times (they are
//! closest to the real thing), and the sum is divided by the total weight plus
//! [`PRIOR_WEIGHT`] pseudo-answers that are wrong. So one right answer gives 0.2, ten right
//! give 0.71, fifty right give 0.93: it rises with right answers, falls with wrong ones and
//! claims little from little data. A task's mastery is the mean over its skills and a
//! domain's the mean over its skills, so untouched skills pull it down (coverage counts).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::model::Exam;

pub const HALF_LIFE_DAYS: f64 = 30.0;
pub const PRIOR_WEIGHT: f64 = 4.0;
pub const EXAM_WEIGHT: f64 = 1.5;

/// One graded answer as mastery sees it.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub at: DateTime<Utc>,
    pub correct: bool,
    pub exam: bool,
}

/// Mastery of one skill from its answers.
pub fn skill_mastery(answers: &[Answer], now: DateTime<Utc>) -> f64 {
    let mut right = 0.0;
    let mut total = 0.0;
    for a in answers {
        let age_days = ((now - a.at).num_seconds().max(0) as f64) / 86_400.0;
        let mut w = 0.5f64.powf(age_days / HALF_LIFE_DAYS);
        if a.exam {
            w *= EXAM_WEIGHT;
        }
        total += w;
        if a.correct {
            right += w;
        }
    }
    right / (total + PRIOR_WEIGHT)
}

/// Mastery of every skill, task and domain of the blueprint.
#[derive(Debug, Clone, Default)]
pub struct MasteryMap {
    pub skills: HashMap<String, f64>,
    pub tasks: HashMap<String, f64>,
    pub domains: HashMap<String, f64>,
}

impl MasteryMap {
    pub fn skill(&self, id: &str) -> f64 {
        self.skills.get(id).copied().unwrap_or(0.0)
    }
    pub fn task(&self, id: &str) -> f64 {
        self.tasks.get(id).copied().unwrap_or(0.0)
    }
    pub fn domain(&self, id: &str) -> f64 {
        self.domains.get(id).copied().unwrap_or(0.0)
    }
}

/// Builds the map from answers grouped by skill id.
pub fn compute(exam: &Exam, by_skill: &HashMap<String, Vec<Answer>>, now: DateTime<Utc>) -> MasteryMap {
    let mut m = MasteryMap::default();
    for d in &exam.domains {
        let mut dsum = 0.0;
        let mut dn = 0usize;
        for t in &d.tasks {
            let mut tsum = 0.0;
            for s in &t.skills {
                let v = by_skill.get(&s.id).map(|a| skill_mastery(a, now)).unwrap_or(0.0);
                m.skills.insert(s.id.clone(), v);
                tsum += v;
                dsum += v;
                dn += 1;
            }
            let tv = if t.skills.is_empty() {
                0.0
            } else {
                tsum / t.skills.len() as f64
            };
            m.tasks.insert(t.id.clone(), tv);
        }
        m.domains
            .insert(d.id.clone(), if dn == 0 { 0.0 } else { dsum / dn as f64 });
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn ans(now: DateTime<Utc>, days_ago: i64, correct: bool) -> Answer {
        Answer {
            at: now - Duration::days(days_ago),
            correct,
            exam: false,
        }
    }

    #[test]
    fn little_data_claims_little() {
        let now = Utc::now();
        assert_eq!(skill_mastery(&[], now), 0.0);
        let one = skill_mastery(&[ans(now, 0, true)], now);
        assert!((one - 0.2).abs() < 1e-9);
        let ten: Vec<_> = (0..10).map(|_| ans(now, 0, true)).collect();
        assert!(skill_mastery(&ten, now) > 0.7);
    }

    #[test]
    fn rises_with_right_and_falls_with_wrong() {
        let now = Utc::now();
        let mut a: Vec<_> = (0..5).map(|i| ans(now, i, i % 2 == 0)).collect();
        let base = skill_mastery(&a, now);
        a.push(ans(now, 0, true));
        let up = skill_mastery(&a, now);
        a.push(ans(now, 0, false));
        a.push(ans(now, 0, false));
        let down = skill_mastery(&a, now);
        assert!(up > base && down < up, "{base} {up} {down}");
    }

    #[test]
    fn old_answers_weigh_less() {
        let now = Utc::now();
        let recent_wrong = [ans(now, 90, true), ans(now, 90, true), ans(now, 0, false)];
        let old_wrong = [ans(now, 0, true), ans(now, 0, true), ans(now, 90, false)];
        assert!(skill_mastery(&recent_wrong, now) < skill_mastery(&old_wrong, now));
    }
}
