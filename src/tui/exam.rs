//! The mock exam in the TUI: the intro, the exam screen with its clock, the review grid and the
//! submit confirmation; the report with its item review; the history; the resume prompt.
//! State and pure updates only; the shell builds these screens from the store.

use chrono::{DateTime, Utc};

use super::app::{Action, App, Effect, QuestionView, Screen};
use crate::mock::{Clock, Report};
use crate::model::Question;

/// How often the clock is saved while the exam is on screen.
pub const CLOCK_SAVE_MS: i64 = 5_000;
/// Columns of the review grid.
pub const GRID_COLS: usize = 13;

#[derive(Debug, Clone, PartialEq)]
pub struct ExamItem {
    /// The item's position in the stored exam.
    pub position: usize,
    pub view: QuestionView,
    pub flagged: bool,
    pub scored: bool,
    /// Time spent on the item so far, summed over its visits (exam clock).
    pub time_ms: i64,
}

impl ExamItem {
    pub fn answered(&self) -> bool {
        !self.view.selected.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExamScreen {
    pub exam_id: i64,
    pub items: Vec<ExamItem>,
    pub pos: usize,
    pub clock: Clock,
    /// Clock value when it was last saved.
    pub saved_elapsed_ms: i64,
    /// The review grid, open with its cursor.
    pub grid: Option<usize>,
    pub confirm_submit: bool,
    /// The five-minute warning was given.
    pub warned: bool,
    /// The item number typed in the review grid so far (the cursor follows it).
    pub grid_number: String,
    /// The exam clock when the time on the item on screen was last counted.
    pub item_counted_ms: i64,
}

impl ExamScreen {
    /// Whether the clock is in its last minutes (a timed exam with at most `minutes` left).
    pub fn clock_within(&self, now: DateTime<Utc>, minutes: i64) -> bool {
        self.clock.remaining_ms(now).is_some_and(|ms| ms <= minutes * 60_000)
    }

    pub fn answered(&self) -> usize {
        self.items.iter().filter(|i| i.answered()).count()
    }
    pub fn flagged(&self) -> usize {
        self.items.iter().filter(|i| i.flagged).count()
    }
    pub fn unanswered(&self) -> usize {
        self.items.len() - self.answered()
    }

    /// The first item after `from` (wrapping round, `from` itself last) that `want` accepts.
    fn next_where(&self, from: usize, want: impl Fn(&ExamItem) -> bool) -> Option<usize> {
        let n = self.items.len();
        (1..=n)
            .map(|k| (from + k) % n)
            .find(|&i| self.items.get(i).is_some_and(&want))
    }

    /// A digit typed in the review grid: the number typed so far grows while it names an item
    /// (so `4`, `2` goes to 42 in a 65-item exam), and starts again from this digit when it
    /// would not. Returns the cursor for the number, if it names an item.
    fn type_grid_digit(&mut self, d: char) -> Option<usize> {
        let n = self.items.len();
        let longer = format!("{}{d}", self.grid_number);
        let named = |s: &str| s.parse::<usize>().ok().filter(|&k| (1..=n).contains(&k));
        self.grid_number = if named(&longer).is_some() {
            longer
        } else {
            d.to_string()
        };
        named(&self.grid_number).map(|k| k - 1)
    }
    /// Counts the exam-clock time since the last count to the item on screen (not while the
    /// grid or the submit question is open), so that the report can say where the time went.
    /// Called before anything that changes what is on screen, and with every clock save.
    pub fn count_item_time(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        let elapsed = self.clock.elapsed_ms(now);
        let ms = elapsed - self.item_counted_ms;
        self.item_counted_ms = elapsed;
        if ms <= 0 || self.grid.is_some() || self.confirm_submit {
            return None;
        }
        let it = self.items.get_mut(self.pos)?;
        it.time_ms += ms;
        Some(Effect::AddExamItemTime {
            exam_id: self.exam_id,
            position: it.position,
            ms,
        })
    }

    /// [`Self::count_item_time`], then the clock's save.
    pub fn save(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        let mut v: Vec<Effect> = self.count_item_time(now).into_iter().collect();
        v.push(self.progress(now));
        v
    }

    fn progress(&mut self, now: DateTime<Utc>) -> Effect {
        let elapsed = self.clock.elapsed_ms(now);
        self.saved_elapsed_ms = elapsed;
        Effect::SaveExamProgress {
            exam_id: self.exam_id,
            position: self.items.get(self.pos).map(|i| i.position).unwrap_or(0),
            elapsed_ms: elapsed,
        }
    }
    fn finish(&mut self, now: DateTime<Utc>, timed_out: bool) -> Vec<Effect> {
        let mut v: Vec<Effect> = self.count_item_time(now).into_iter().collect();
        self.clock.pause(now);
        v.push(Effect::FinishExam {
            exam_id: self.exam_id,
            elapsed_ms: self.clock.elapsed_ms(now),
            timed_out,
        });
        v
    }
}

/// Shown before an exam starts: the format, and any shortage in the bank.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamIntro {
    pub seed: u64,
    pub untimed: bool,
    pub extra_minutes: u32,
    pub items: usize,
    pub scored: usize,
    pub minutes: Option<i64>,
    pub warnings: Vec<String>,
}

/// An unfinished exam was found.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePrompt {
    pub exam_id: i64,
    pub started_at: DateTime<Utc>,
    pub answered: usize,
    pub flagged: usize,
    pub items: usize,
    pub remaining_ms: Option<i64>,
    /// The options the learner asked for (`--extra-minutes`, `--untimed`, `--seed`): a new
    /// exam started after discarding this one keeps them.
    pub opts: super::app::ExamOptions,
    /// `d` was pressed: discarding asks first.
    pub confirm_discard: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFilter {
    All,
    Wrong,
    Marked,
    Unscored,
}

impl ReviewFilter {
    pub fn label(self) -> &'static str {
        match self {
            ReviewFilter::All => "all",
            ReviewFilter::Wrong => "wrong",
            ReviewFilter::Marked => "marked",
            ReviewFilter::Unscored => "unscored",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportItem {
    pub position: usize,
    /// None when the question was removed from the content since.
    pub question: Option<Question>,
    pub order: Vec<usize>,
    pub chosen: Vec<usize>,
    pub scored: bool,
    pub flagged: bool,
    pub correct: bool,
    pub domain: String,
    pub skill: String,
    /// Time spent on the item (0 for exams taken before it was kept).
    pub time_ms: i64,
}

impl ReportItem {
    /// The item's result in a word: "right", "wrong" or "not answered".
    pub fn result_word(&self) -> &'static str {
        match (self.correct, self.chosen.is_empty()) {
            (true, _) => "right",
            (false, true) => "not answered",
            (false, false) => "wrong",
        }
    }

    /// The item's result as a mark: ✓ right, ✗ answered wrong, – not answered.
    pub fn result_mark(&self) -> char {
        match self.result_word() {
            "right" => '✓',
            "wrong" => '✗',
            _ => '–',
        }
    }

    fn shown(&self, f: ReviewFilter) -> bool {
        match f {
            ReviewFilter::All => true,
            ReviewFilter::Wrong => !self.correct,
            ReviewFilter::Marked => self.flagged,
            ReviewFilter::Unscored => !self.scored,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportScreen {
    pub exam_id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub elapsed_ms: i64,
    pub time_limit_ms: Option<i64>,
    pub timed_out: bool,
    pub report: Report,
    pub items: Vec<ReportItem>,
    pub filter: ReviewFilter,
    pub cursor: usize,
    /// The item open for review (index into `items`), with its view.
    pub detail: Option<(usize, QuestionView)>,
    pub from_history: bool,
    pub passing_score: u32,
    pub score_max: u32,
}

impl ReportScreen {
    /// Indices into `items` shown under the current filter.
    pub fn visible(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.items[i].shown(self.filter))
            .collect()
    }

    /// The view of an item for review: the learner's answer and the key, with feedback.
    pub fn detail_view(item: &ReportItem, personal: &super::app::Personal, now: DateTime<Utc>) -> Option<QuestionView> {
        let q = item.question.clone()?;
        let mut v = QuestionView::new(q, item.order.clone(), now);
        v.selected = crate::session::to_display(&item.order, &item.chosen);
        v.outcome = Some(super::app::Outcome {
            correct: item.correct,
            auto: crate::srs::Rating::auto(item.correct),
            rating: crate::srs::Rating::auto(item.correct),
            elapsed_ms: item.time_ms,
            saved: None,
        });
        v.exam_review = true;
        personal.dress(&mut v);
        Some(v)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub exam_id: i64,
    pub finished_at: DateTime<Utc>,
    pub scaled_score: i64,
    pub passed: bool,
    pub raw_correct: i64,
    pub scored_total: i64,
    pub elapsed_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryScreen {
    pub rows: Vec<HistoryRow>,
    pub cursor: usize,
}

pub fn exam_update(mut ex: Box<ExamScreen>, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    if action == Action::Tick {
        if ex.clock.is_up(now) {
            let e = ex.finish(now, true);
            return (Screen::Exam(ex), e);
        }
        if ex.clock.elapsed_ms(now) - ex.saved_elapsed_ms >= CLOCK_SAVE_MS {
            let e = ex.save(now);
            return (Screen::Exam(ex), e);
        }
        return (Screen::Exam(ex), vec![]);
    }
    // Whatever the key does to the screen, the time so far goes to the item it was on.
    let counted: Vec<Effect> = ex.count_item_time(now).into_iter().collect();
    let (screen, mut effects) = exam_key(ex, action, now);
    let mut all = counted;
    all.append(&mut effects);
    (screen, all)
}

fn exam_key(mut ex: Box<ExamScreen>, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    if ex.confirm_submit {
        return match action {
            Action::Yes => {
                ex.confirm_submit = false;
                let e = ex.finish(now, false);
                (Screen::Exam(ex), e)
            }
            Action::No | Action::Back => {
                ex.confirm_submit = false;
                (Screen::Exam(ex), vec![])
            }
            _ => (Screen::Exam(ex), vec![]),
        };
    }
    if let Some(cur) = ex.grid {
        let n = ex.items.len().max(1);
        if let Action::Char(d @ '0'..='9') = action {
            if let Some(to) = ex.type_grid_digit(d) {
                ex.grid = Some(to);
            }
            return (Screen::Exam(ex), vec![]);
        }
        ex.grid_number.clear();
        let cur = match action {
            Action::NextUnanswered => ex.next_where(cur, |i| !i.answered()).unwrap_or(cur),
            Action::NextMarked => ex.next_where(cur, |i| i.flagged).unwrap_or(cur),
            Action::Left => cur.checked_sub(1).unwrap_or(n - 1),
            Action::Right => (cur + 1) % n,
            Action::Up => cur.checked_sub(GRID_COLS).unwrap_or(cur),
            Action::Down => {
                if cur + GRID_COLS < n {
                    cur + GRID_COLS
                } else {
                    cur
                }
            }
            Action::Enter => {
                ex.pos = cur.min(n - 1);
                ex.grid = None;
                let e = ex.progress(now);
                return (Screen::Exam(ex), vec![e]);
            }
            Action::Back | Action::Grid => {
                ex.grid = None;
                return (Screen::Exam(ex), vec![]);
            }
            Action::Submit => {
                ex.grid = None;
                ex.confirm_submit = true;
                return (Screen::Exam(ex), vec![]);
            }
            _ => cur,
        };
        ex.grid = Some(cur);
        return (Screen::Exam(ex), vec![]);
    }
    let n = ex.items.len();
    let exam_id = ex.exam_id;
    match action {
        Action::Back => {
            ex.clock.pause(now);
            let e = ex.progress(now);
            return (Screen::Home, vec![e, Effect::RefreshDashboard]);
        }
        Action::Next | Action::Right | Action::Enter if ex.pos + 1 < n => {
            ex.pos += 1;
            let e = ex.progress(now);
            return (Screen::Exam(ex), vec![e]);
        }
        Action::Next | Action::Right | Action::Enter => {
            // On the last item, "next" opens the grid to review before submitting.
            ex.grid = Some(ex.pos);
        }
        Action::Prev | Action::Left if ex.pos > 0 => {
            ex.pos -= 1;
            let e = ex.progress(now);
            return (Screen::Exam(ex), vec![e]);
        }
        Action::Mark => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                it.flagged = !it.flagged;
                let e = Effect::SaveExamFlag {
                    exam_id,
                    position: it.position,
                    flagged: it.flagged,
                };
                return (Screen::Exam(ex), vec![e]);
            }
        }
        Action::Grid => {
            ex.grid = Some(ex.pos);
            ex.grid_number.clear();
        }
        Action::Submit => ex.confirm_submit = true,
        Action::Toggle(_) | Action::ToggleHighlighted => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                let d = match action {
                    Action::Toggle(d) => d,
                    _ => it.view.highlight,
                };
                let before = it.view.selected.clone();
                it.view.toggle(d);
                if it.view.selected != before {
                    let e = Effect::SaveExamAnswer {
                        exam_id,
                        position: it.position,
                        chosen: it.view.chosen_original(),
                    };
                    return (Screen::Exam(ex), vec![e]);
                }
            }
        }
        Action::Up => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                let k = it.view.order.len();
                it.view.highlight = it.view.highlight.checked_sub(1).unwrap_or(k.saturating_sub(1));
            }
        }
        Action::Down => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                let k = it.view.order.len().max(1);
                it.view.highlight = (it.view.highlight + 1) % k;
            }
        }
        Action::PageUp | Action::ScrollUp => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                it.view.scroll = it
                    .view
                    .scroll
                    .saturating_sub(if action == Action::PageUp { 10 } else { 3 });
            }
        }
        Action::PageDown | Action::ScrollDown => {
            if let Some(it) = ex.items.get_mut(ex.pos) {
                it.view.scroll = it
                    .view
                    .scroll
                    .saturating_add(if action == Action::PageDown { 10 } else { 3 });
            }
        }
        _ => {}
    }
    (Screen::Exam(ex), vec![])
}

pub fn report_update(
    app: &mut App,
    mut r: Box<ReportScreen>,
    action: Action,
    now: DateTime<Utc>,
) -> (Screen, Vec<Effect>) {
    if let Some((idx, mut v)) = r.detail.take() {
        let vis = r.visible();
        let k = vis.iter().position(|&i| i == idx).unwrap_or(0);
        match action {
            Action::Back => return (Screen::Report(r), vec![]),
            Action::Next | Action::Right if k + 1 < vis.len() => {
                let j = vis[k + 1];
                r.cursor = k + 1;
                r.detail = ReportScreen::detail_view(&r.items[j], &app.personal, now).map(|v| (j, v));
                return (Screen::Report(r), vec![]);
            }
            Action::Prev | Action::Left if k > 0 => {
                let j = vis[k - 1];
                r.cursor = k - 1;
                r.detail = ReportScreen::detail_view(&r.items[j], &app.personal, now).map(|v| (j, v));
                return (Screen::Report(r), vec![]);
            }
            Action::Up | Action::ScrollUp => {
                v.scroll = v.scroll.saturating_sub(if action == Action::Up { 1 } else { 3 })
            }
            Action::Down | Action::ScrollDown => {
                v.scroll = v.scroll.saturating_add(if action == Action::Down { 1 } else { 3 })
            }
            Action::PageUp => v.scroll = v.scroll.saturating_sub(10),
            Action::PageDown => v.scroll = v.scroll.saturating_add(10),
            _ => {}
        }
        r.detail = Some((idx, v));
        return (Screen::Report(r), vec![]);
    }
    let vis = r.visible();
    match action {
        Action::Back => {
            return if r.from_history {
                (Screen::Home, vec![Effect::OpenHistory])
            } else {
                (Screen::Home, vec![Effect::RefreshDashboard])
            };
        }
        Action::Up | Action::ScrollUp => r.cursor = r.cursor.saturating_sub(1),
        Action::Down | Action::ScrollDown => r.cursor = (r.cursor + 1).min(vis.len().saturating_sub(1)),
        Action::PageUp => r.cursor = r.cursor.saturating_sub(10),
        Action::PageDown => r.cursor = (r.cursor + 10).min(vis.len().saturating_sub(1)),
        Action::Filter(f) => {
            r.filter = f;
            r.cursor = 0;
        }
        Action::Enter => match vis.get(r.cursor) {
            Some(&i) => match ReportScreen::detail_view(&r.items[i], &app.personal, now) {
                Some(v) => r.detail = Some((i, v)),
                None => {
                    app.status = Some("That question was removed from the content; only its result is kept.".into())
                }
            },
            None => app.status = Some(format!("No {} items to review.", r.filter.label())),
        },
        Action::PractiseMissed => {
            // Wrong and unanswered alike, scored or not, in exam order; questions removed from
            // the content since cannot be asked again.
            let ids: Vec<String> = r
                .items
                .iter()
                .filter(|i| !i.correct)
                .filter_map(|i| i.question.as_ref().map(|q| q.id.clone()))
                .collect();
            if ids.is_empty() {
                app.status = Some("Nothing missed in this exam: every item was answered right.".into());
            } else {
                let title = format!(
                    "{} missed in the mock exam of {}",
                    ids.len(),
                    super::view::local_time(r.finished_at)
                );
                return (Screen::Report(r), vec![Effect::StartPracticeOn { title, ids }]);
            }
        }
        _ => {}
    }
    (Screen::Report(r), vec![])
}

pub fn history_update(mut h: HistoryScreen, action: Action) -> (Screen, Vec<Effect>) {
    match action {
        Action::Back => return (Screen::Home, vec![Effect::RefreshDashboard]),
        Action::Up => h.cursor = h.cursor.saturating_sub(1),
        Action::Down => h.cursor = (h.cursor + 1).min(h.rows.len().saturating_sub(1)),
        Action::Enter => {
            if let Some(row) = h.rows.get(h.cursor) {
                let id = row.exam_id;
                return (
                    Screen::History(h),
                    vec![Effect::OpenReport {
                        exam_id: id,
                        from_history: true,
                    }],
                );
            }
        }
        _ => {}
    }
    (Screen::History(h), vec![])
}

pub fn intro_update(i: ExamIntro, action: Action) -> (Screen, Vec<Effect>) {
    match action {
        Action::Enter | Action::Yes => (
            Screen::Home,
            vec![Effect::CreateExam {
                seed: i.seed,
                untimed: i.untimed,
                extra_minutes: i.extra_minutes,
            }],
        ),
        Action::Back | Action::No => (Screen::Home, vec![Effect::RefreshDashboard]),
        _ => (Screen::ExamIntro(i), vec![]),
    }
}

pub fn resume_update(mut p: ResumePrompt, action: Action) -> (Screen, Vec<Effect>) {
    if p.confirm_discard {
        // Discarding loses answers: only `y` confirms; anything else keeps the exam.
        return match action {
            Action::Yes => (
                Screen::Home,
                vec![Effect::DiscardExam {
                    exam_id: p.exam_id,
                    opts: p.opts,
                }],
            ),
            _ => {
                p.confirm_discard = false;
                (Screen::ResumePrompt(p), vec![])
            }
        };
    }
    match action {
        Action::Enter | Action::Yes => (Screen::Home, vec![Effect::ResumeExam { exam_id: p.exam_id }]),
        Action::Discard => {
            p.confirm_discard = true;
            (Screen::ResumePrompt(p), vec![])
        }
        Action::Back | Action::No => (Screen::Home, vec![Effect::RefreshDashboard]),
        _ => (Screen::ResumePrompt(p), vec![]),
    }
}
