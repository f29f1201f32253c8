//! The plan to the exam date: how many new questions a day cover the unseen bank a week before
//! the exam, the reviews the FSRS forecast brings each day, the days to sit mock exams, and
//! whether the learner keeps up. Pure: dates and counts come in as parameters.
//!
//! - **New questions a day**: the unseen questions spread over the days left before the last
//!   week (`days_left − 7`, at least 1), rounded up; the last week is for review and mock exams.
//! - **Reviews a day**: the mean of the FSRS due forecast over the next seven days (overdue
//!   cards count today).
//! - **Mock exams**: one a week until the last week, then two in it (six and two days before).
//! - **On track**: the learner introduced, over the last seven days (or since the plan was set,
//!   if that is more recent), at least as many new questions a day as the plan asks; or there
//!   is nothing left to introduce.

use chrono::{Duration, NaiveDate};

/// Days before the exam kept free of new questions.
pub const LAST_WEEK: i64 = 7;

/// What the plan is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    pub exam_date: NaiveDate,
    pub today: NaiveDate,
    /// Questions of the bank never answered.
    pub unseen: usize,
    /// Cards due on each of the next days, today first (today includes overdue ones).
    pub due_forecast: Vec<u64>,
    /// New questions introduced on each of the last seven days, today last.
    pub new_last_7_days: [u64; 7],
    /// When the plan was set (`cloudprep plan --date`), if known.
    pub set_on: Option<NaiveDate>,
}

/// The plan for today.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub exam_date: NaiveDate,
    /// Days from today to the exam (0 on the day; negative once it has passed).
    pub days_left: i64,
    /// New questions a day that cover the unseen bank a week before the date.
    pub new_per_day: u64,
    /// Reviews a day the FSRS forecast brings over the next week (mean, rounded up).
    pub reviews_per_day: u64,
    /// Upcoming days to sit a mock exam.
    pub mock_days: Vec<NaiveDate>,
    pub on_track: bool,
    /// New questions a day introduced lately (the mean the on-track judgement uses).
    pub recent_new_per_day: f64,
}

pub fn plan(input: &PlanInput) -> Plan {
    let days_left = (input.exam_date - input.today).num_days();
    let study_days = (days_left - LAST_WEEK).max(1);
    let new_per_day = if input.unseen == 0 || days_left < 0 {
        0
    } else {
        (input.unseen as u64).div_ceil(study_days as u64)
    };
    let week: Vec<u64> = input.due_forecast.iter().take(7).copied().collect();
    let reviews_per_day = if week.is_empty() {
        0
    } else {
        week.iter().sum::<u64>().div_ceil(week.len() as u64)
    };
    let mut mock_days = Vec::new();
    if days_left >= 0 {
        let last_week_starts = input.exam_date - Duration::days(LAST_WEEK);
        let mut d = input.today + Duration::days(7);
        while d < last_week_starts {
            mock_days.push(d);
            d += Duration::days(7);
        }
        for back in [6, 2] {
            let day = input.exam_date - Duration::days(back);
            if day >= input.today && !mock_days.contains(&day) {
                mock_days.push(day);
            }
        }
        mock_days.sort();
    }
    // Judge the days since the plan was set, at most the last seven.
    let window = match input.set_on {
        Some(s) => (input.today - s).num_days().clamp(0, 6) as usize + 1,
        None => 7,
    };
    let recent: u64 = input.new_last_7_days[7 - window..].iter().sum();
    let recent_new_per_day = recent as f64 / window as f64;
    let on_track = input.unseen == 0 || recent_new_per_day + 1e-9 >= new_per_day as f64;
    Plan {
        exam_date: input.exam_date,
        days_left,
        new_per_day,
        reviews_per_day,
        mock_days,
        on_track,
        recent_new_per_day,
    }
}

/// Parses a plan date: `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }

    fn input() -> PlanInput {
        PlanInput {
            exam_date: d("2027-01-20"),
            today: d("2026-12-06"),
            unseen: 600,
            due_forecast: vec![30, 10, 12, 8, 9, 11, 14, 20],
            new_last_7_days: [0, 0, 20, 20, 20, 20, 20],
            set_on: None,
        }
    }

    #[test]
    fn the_plan_adds_up() {
        let p = plan(&input());
        assert_eq!(p.days_left, 45);
        // 600 unseen over the 38 days before the last week: 16 a day (15.8 rounded up)...
        assert_eq!(p.new_per_day, 16);
        // ...which covers the bank a week before the date.
        assert!(p.new_per_day * 38 >= 600);
        assert_eq!(p.reviews_per_day, (30 + 10 + 12 + 8 + 9 + 11 + 14u64).div_ceil(7));
        // Weekly mocks, then two in the last week.
        assert_eq!(p.mock_days.first(), Some(&d("2026-12-13")));
        assert!(p.mock_days.contains(&d("2027-01-14")) && p.mock_days.contains(&d("2027-01-18")));
        assert!(p.mock_days.iter().all(|&m| m > d("2026-12-06") && m < d("2027-01-20")));
        let in_last_week = p.mock_days.iter().filter(|&&m| m >= d("2027-01-13")).count();
        assert_eq!(in_last_week, 2);
        // 100 new in the last seven days is 14.3 a day: behind a plan of 16.
        assert!(!p.on_track);
        let mut i = input();
        i.new_last_7_days = [16; 7];
        assert!(plan(&i).on_track);
    }

    #[test]
    fn a_plan_set_today_is_judged_on_today() {
        let mut i = input();
        i.set_on = Some(i.today);
        i.new_last_7_days = [0, 0, 0, 0, 0, 0, 16];
        assert!(plan(&i).on_track);
        i.new_last_7_days = [0, 0, 0, 0, 0, 0, 3];
        assert!(!plan(&i).on_track);
    }

    #[test]
    fn the_last_week_and_after() {
        let mut i = input();
        i.today = d("2027-01-16");
        let p = plan(&i);
        assert_eq!(p.days_left, 4);
        assert_eq!(p.new_per_day, 600, "everything left, today");
        assert_eq!(p.mock_days, vec![d("2027-01-18")]);
        i.unseen = 0;
        assert!(plan(&i).on_track);
        i.today = d("2027-01-21");
        let p = plan(&i);
        assert_eq!(p.days_left, -1);
        assert_eq!(p.new_per_day, 0);
        assert!(p.mock_days.is_empty());
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("2027-01-20"), Some(d("2027-01-20")));
        assert_eq!(parse_date("2027-02-30"), None);
        assert_eq!(parse_date("20 Jan"), None);
    }
}
