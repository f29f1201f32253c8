//! The TUI's state and its pure `update`: an [`Action`] comes in with `now`, the state changes,
//! and the [`Effect`]s that must happen outside (saving, loading, quitting) are returned for the
//! shell to carry out. Nothing here touches the terminal, the database or the clock.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::model::{Kind, Mode, Pack, Question};
use crate::session::{self, Filter, Marks, Subset};
use crate::srs::{Card, Rating};

/// Seconds between refreshes of home's dashboard while it is on screen.
pub const DASHBOARD_REFRESH_SECS: i64 = 60;

/// What the home screen shows; filled by the shell from the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dashboard {
    pub due_now: i64,
    pub new_available: i64,
    pub reviews_today: i64,
    pub streak_days: u32,
    pub studied_today: bool,
    pub next_due: Option<DateTime<Utc>>,
    /// (domain id, title, weight, mastery 0..1)
    pub domains: Vec<(String, String, u32, f64)>,
    pub last_exam: Option<(i64, bool)>,
    pub readiness: Option<ReadinessSummary>,
    pub exam_in_progress: bool,
    pub questions: usize,
    pub seen: usize,
    /// The plan to the exam date, when one is set.
    pub plan: Option<crate::plan::Plan>,
}

/// Readiness as home shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadinessSummary {
    pub predicted_score: i64,
    pub pass_probability: f64,
    /// The 80 % interval of the pass probability.
    pub low: f64,
    pub high: f64,
    /// Ids of the domains with too little evidence to judge.
    pub missing: Vec<String>,
    /// Capped because the latest mock exam failed.
    pub capped_by_mock: bool,
}

impl ReadinessSummary {
    pub fn new(r: &crate::readiness::Readiness) -> ReadinessSummary {
        ReadinessSummary {
            predicted_score: i64::from(r.predicted_score),
            pass_probability: r.pass_probability,
            low: r.pass_low,
            high: r.pass_high,
            missing: r.missing(),
            capped_by_mock: r.capped_by_mock,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MenuItem {
    Review,
    Practice,
    Drill,
    Exam,
    History,
    Stats,
    Quit,
}

pub const MENU: [MenuItem; 7] = [
    MenuItem::Review,
    MenuItem::Practice,
    MenuItem::Drill,
    MenuItem::Exam,
    MenuItem::History,
    MenuItem::Stats,
    MenuItem::Quit,
];

impl MenuItem {
    pub fn key(self) -> char {
        match self {
            MenuItem::Review => 'r',
            MenuItem::Practice => 'p',
            MenuItem::Drill => 'w',
            MenuItem::Exam => 'e',
            MenuItem::History => 'h',
            MenuItem::Stats => 's',
            MenuItem::Quit => 'q',
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MenuItem::Review => "Review due cards",
            MenuItem::Practice => "Practice by domain, task or skill",
            MenuItem::Drill => "Weak-area drill",
            MenuItem::Exam => "Mock exam (65 questions, 130 minutes)",
            MenuItem::History => "History of mock exams",
            MenuItem::Stats => "Stats and readiness",
            MenuItem::Quit => "Quit",
        }
    }
}

/// Keys resolve to these; screens never see a raw key event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Enter,
    Back,
    /// `Esc`: back, like `Back`, but it never leaves the app (a screen opened from the command
    /// line goes back to home on `Esc`, to the shell on `q`).
    Escape,
    Quit,
    Help,
    Menu(MenuItem),
    /// Toggle the option at this display position.
    Toggle(usize),
    ToggleHighlighted,
    Rate(Rating),
    ScrollUp,
    ScrollDown,
    /// Start practice from a notice screen.
    OfferPractice,
    Tick,
    Left,
    Right,
    Next,
    Prev,
    Mark,
    Grid,
    /// Take back the answer whose feedback is on screen, or the one before while the next
    /// question is unanswered (`u`, `Ctrl-Z`).
    Undo,
    /// On a mock-exam report: practise the items missed (wrong or unanswered); on a session's
    /// summary: retry the questions missed.
    PractiseMissed,
    /// In the practice chooser: more or fewer questions.
    More,
    Fewer,
    /// In the practice chooser: the next subset (all, unseen, missed, bookmarked).
    CycleSubset,
    /// In the exam's review grid: the cursor to the next unanswered item (wrapping).
    NextUnanswered,
    /// In the exam's review grid: the cursor to the next marked item (wrapping).
    NextMarked,
    Submit,
    Yes,
    No,
    Discard,
    Filter(super::exam::ReviewFilter),
    /// Open the "report a problem with this question" note.
    ReportQuestion,
    /// Bookmark the question whose feedback is on screen, or take the bookmark off (`b`).
    Bookmark,
    /// Write or edit the personal note of the question whose feedback is on screen (`N`).
    Note,
    /// Open the bank search.
    Search,
    /// Typing in a text field.
    Char(char),
    /// Editing a text field.
    Edit(Edit),
}

/// What the shell must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    RefreshDashboard,
    StartReview,
    /// A review session ran out of cards: cards that came due while it ran continue it.
    ReviewMoreDue,
    StartPractice {
        filter: Filter,
        count: usize,
        subset: Subset,
    },
    /// Open the practice chooser with the learner's counts and mastery.
    OpenPicker,
    StartDrill {
        count: usize,
    },
    /// Practise exactly these questions (a mock exam's missed items), in this order.
    StartPracticeOn {
        title: String,
        ids: Vec<String>,
    },
    /// Log a graded answer and reschedule the card (one transaction); the shell reports back
    /// with [`App::answer_saved`].
    SaveAnswer(AnswerRecord),
    /// Take back a saved answer: delete its review row and restore the card (one transaction);
    /// the shell reports back with [`App::undone`].
    UndoAnswer {
        review_id: i64,
        card_before: Card,
    },
    /// Change the rating of a saved answer; the card is rescheduled from its state before it.
    Rerate {
        review_id: i64,
        card_before: Card,
        question_id: String,
        rating: Rating,
        at: DateTime<Utc>,
    },
    /// Open the mock exam: the resume prompt when one is unfinished, else the intro.
    OpenExam(ExamOptions),
    /// Assemble and store a new exam, then show it.
    CreateExam {
        seed: u64,
        untimed: bool,
        extra_minutes: u32,
    },
    ResumeExam {
        exam_id: i64,
    },
    /// Delete the unfinished exam, then open the intro for a new one with the same options.
    DiscardExam {
        exam_id: i64,
        opts: ExamOptions,
    },
    SaveExamAnswer {
        exam_id: i64,
        position: usize,
        chosen: Vec<usize>,
    },
    SaveExamFlag {
        exam_id: i64,
        position: usize,
        flagged: bool,
    },
    SaveExamProgress {
        exam_id: i64,
        position: usize,
        elapsed_ms: i64,
    },
    /// Add `ms` to the time spent on an exam item.
    AddExamItemTime {
        exam_id: i64,
        position: usize,
        ms: i64,
    },
    /// Score the exam, log its answers, and show the report.
    FinishExam {
        exam_id: i64,
        elapsed_ms: i64,
        timed_out: bool,
    },
    OpenReport {
        exam_id: i64,
        from_history: bool,
    },
    OpenHistory,
    OpenStats,
    /// Bookmark a question, or take the bookmark off.
    SaveBookmark {
        question_id: String,
        on: bool,
    },
    /// Save a question's personal note; an empty note deletes it.
    SaveNote {
        question_id: String,
        text: String,
    },
    /// Record "this question is wrong or unclear" with the learner's note, the option order
    /// shown and the options chosen (original indices).
    SaveReport {
        question_id: String,
        note: String,
        shown_order: Vec<usize>,
        chosen: Vec<usize>,
    },
    Quit,
}

impl Effect {
    /// Whether carrying it out shows a screen (the update's own screen is a placeholder then).
    pub fn opens_a_screen(&self) -> bool {
        matches!(
            self,
            Effect::StartReview
                | Effect::ReviewMoreDue
                | Effect::StartPractice { .. }
                | Effect::OpenPicker
                | Effect::StartDrill { .. }
                | Effect::OpenExam(_)
                | Effect::CreateExam { .. }
                | Effect::ResumeExam { .. }
                | Effect::DiscardExam { .. }
                | Effect::OpenReport { .. }
                | Effect::OpenHistory
                | Effect::OpenStats
        )
    }
}

/// A line of text being typed over the current screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextInput {
    pub purpose: InputPurpose,
    pub text: String,
    /// Cursor position, in characters.
    pub cursor: usize,
}

/// Line editing in a text box, as shells do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Left,
    Right,
    /// Home, Ctrl-A.
    Start,
    /// End, Ctrl-E.
    End,
    /// Backspace.
    DeleteBack,
    /// Delete.
    DeleteForward,
    /// Ctrl-W: the word before the cursor.
    DeleteWord,
    /// Ctrl-U: everything before the cursor.
    DeleteToStart,
}

impl TextInput {
    pub fn new(purpose: InputPurpose) -> TextInput {
        TextInput {
            purpose,
            text: String::new(),
            cursor: 0,
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        if self.text.chars().count() < REPORT_NOTE_MAX {
            let at = self.byte_at(self.cursor);
            self.text.insert(at, c);
            self.cursor += 1;
        }
    }

    pub fn edit(&mut self, e: Edit) {
        let len = self.text.chars().count();
        self.cursor = self.cursor.min(len);
        match e {
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(len),
            Edit::Start => self.cursor = 0,
            Edit::End => self.cursor = len,
            Edit::DeleteBack if self.cursor > 0 => {
                let (a, b) = (self.byte_at(self.cursor - 1), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor -= 1;
            }
            Edit::DeleteForward if self.cursor < len => {
                let (a, b) = (self.byte_at(self.cursor), self.byte_at(self.cursor + 1));
                self.text.replace_range(a..b, "");
            }
            Edit::DeleteWord => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
            }
            Edit::DeleteToStart => {
                let b = self.byte_at(self.cursor);
                self.text.replace_range(..b, "");
                self.cursor = 0;
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPurpose {
    /// The note of a "wrong or unclear" report on this question, with the option order shown and
    /// the options chosen (original indices) when `!` was pressed.
    Report {
        question_id: String,
        shown_order: Vec<usize>,
        chosen: Vec<usize>,
    },
    /// A search of the bank.
    Search,
    /// The learner's own note on a question.
    Note { question_id: String },
}

/// The bank search results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchScreen {
    pub query: String,
    pub hits: Vec<String>,
    pub cursor: usize,
}

/// Most questions one practice session takes.
pub const PRACTICE_MAX: usize = 100;

/// Longest note kept with a question report.
pub const REPORT_NOTE_MAX: usize = 500;

/// Options of a new mock exam; `None` takes the config's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExamOptions {
    pub seed: Option<u64>,
    pub untimed: Option<bool>,
    pub extra_minutes: Option<u32>,
    /// Resume the unfinished exam without asking.
    pub resume: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRecord {
    pub question_id: String,
    pub skill: String,
    pub difficulty: u8,
    pub mode: Mode,
    pub chosen: Vec<usize>,
    pub correct: bool,
    pub rating: Rating,
    pub at: DateTime<Utc>,
    pub elapsed_ms: i64,
}

/// One question on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionView {
    pub question: Question,
    /// `order[display] = original index`.
    pub order: Vec<usize>,
    /// Chosen display positions, ascending.
    pub selected: Vec<usize>,
    pub highlight: usize,
    pub scroll: u16,
    pub shown_at: DateTime<Utc>,
    pub outcome: Option<Outcome>,
    /// The learner bookmarked the question.
    pub bookmarked: bool,
    /// The learner's own note on the question, shown with its feedback.
    pub note: Option<String>,
    /// Reviewing a mock-exam item: feedback without the rating lines.
    pub exam_review: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub correct: bool,
    pub auto: Rating,
    pub rating: Rating,
    /// Time from showing the question to the answer.
    pub elapsed_ms: i64,
    /// Set once the store has the answer; until then nothing on screen says "saved".
    pub saved: Option<Saved>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub review_id: i64,
    pub at: DateTime<Utc>,
    pub card_before: Card,
    pub next_due: DateTime<Utc>,
    /// When the card would next be due for each rating, Again to Easy (from the scheduler),
    /// shown on the rating keys as Anki does.
    pub previews: Vec<DateTime<Utc>>,
    /// FSRS's estimate of the chance of recalling it when it was asked (none for a new card).
    pub recall: Option<f32>,
}

impl Study {
    /// What is left of a review session: (new, learning, due) cards, the one on screen
    /// included while it is unanswered.
    pub fn left(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        let mut add = |id: &str, learning: bool| {
            if learning {
                counts.1 += 1;
            } else if self.new_ids.contains(id) {
                counts.0 += 1;
            } else {
                counts.2 += 1;
            }
        };
        if self.current.outcome.is_none() {
            add(&self.current.question.id, false);
        }
        for i in &self.queue {
            add(&i.question_id, i.not_before.is_some());
        }
        counts
    }
}

impl QuestionView {
    pub fn new(question: Question, order: Vec<usize>, now: DateTime<Utc>) -> QuestionView {
        QuestionView {
            question,
            order,
            selected: Vec::new(),
            highlight: 0,
            scroll: 0,
            shown_at: now,
            outcome: None,
            bookmarked: false,
            note: None,
            exam_review: false,
        }
    }

    pub fn toggle(&mut self, display: usize) {
        if display >= self.order.len() || self.outcome.is_some() {
            return;
        }
        self.highlight = display;
        if self.question.kind == Kind::Single {
            self.selected = vec![display];
        } else if let Some(i) = self.selected.iter().position(|&d| d == display) {
            self.selected.remove(i);
        } else {
            self.selected.push(display);
            self.selected.sort_unstable();
        }
    }

    /// The chosen options as original indices.
    pub fn chosen_original(&self) -> Vec<usize> {
        session::to_original(&self.order, &self.selected)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub question_id: String,
    /// For (re)learning cards brought back in the same session: not before this time.
    pub not_before: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    pub mode: Mode,
    pub title: String,
    pub queue: Vec<QueueItem>,
    /// In review: the questions of the session that are new cards (the header counts new,
    /// learning and due cards apart, as Anki does).
    pub new_ids: std::collections::HashSet<String>,
    /// Practising a search hit: the results to go back to when it ends.
    pub from_search: Option<SearchScreen>,
    pub answered: usize,
    pub correct: usize,
    pub planned: usize,
    pub current: QuestionView,
    /// When the session started (the summary says how long it took).
    pub started_at: DateTime<Utc>,
    /// The questions answered and left, in order, with their feedback: the summary lists the
    /// missed ones, and the last one can still be taken back while the next is on screen.
    pub done: Vec<QuestionView>,
    /// At the end of a review the shell has looked for cards that came due meanwhile.
    pub looked_for_more: bool,
}

/// The practice chooser: domain, then task, then skill.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub level: PickLevel,
    pub index: usize,
    /// Which of the chosen questions to take.
    pub subset: Subset,
    /// How many questions to practise.
    pub count: usize,
    pub facts: Rc<PickerFacts>,
}

/// What the chooser shows on each row: questions seen of the total, mastery, and how many
/// are in each subset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PickerFacts {
    pub marks: Marks,
    /// Mastery (0..1) by domain, task and skill id.
    pub mastery: std::collections::HashMap<String, f64>,
    /// Counts by domain, task and skill id, and "" for the whole bank.
    pub counts: std::collections::HashMap<String, RowCounts>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub total: usize,
    pub seen: usize,
    pub missed: usize,
    pub bookmarked: usize,
}

impl RowCounts {
    /// How many questions of the row are in `subset`.
    pub fn in_subset(&self, subset: Subset) -> usize {
        match subset {
            Subset::All => self.total,
            Subset::Unseen => self.total - self.seen.min(self.total),
            Subset::Missed => self.missed,
            Subset::Bookmarked => self.bookmarked,
        }
    }
}

impl PickerFacts {
    /// Counts every question once into its skill, task, domain and the whole bank.
    pub fn new(pack: &Pack, marks: Marks, mastery: &crate::mastery::MasteryMap) -> PickerFacts {
        let mut counts: std::collections::HashMap<String, RowCounts> = std::collections::HashMap::new();
        for q in &pack.questions {
            let (seen, missed, marked) = (
                marks.seen.contains(&q.id),
                marks.missed.contains(&q.id),
                marks.bookmarked.contains(&q.id),
            );
            for id in ["", q.domain_id(), q.task_id(), q.skill.as_str()] {
                let c = counts.entry(id.to_string()).or_default();
                c.total += 1;
                c.seen += usize::from(seen);
                c.missed += usize::from(missed);
                c.bookmarked += usize::from(marked);
            }
        }
        let mastery = mastery
            .domains
            .iter()
            .chain(&mastery.tasks)
            .chain(&mastery.skills)
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        PickerFacts { marks, mastery, counts }
    }

    pub fn row(&self, f: &Filter) -> RowCounts {
        let id = match f {
            Filter::All => "",
            Filter::Domain(id) | Filter::Task(id) | Filter::Skill(id) => id.as_str(),
        };
        self.counts.get(id).copied().unwrap_or_default()
    }

    /// Mastery of the row (none for the whole bank).
    pub fn mastery(&self, f: &Filter) -> Option<f64> {
        match f {
            Filter::All => None,
            Filter::Domain(id) | Filter::Task(id) | Filter::Skill(id) => {
                Some(self.mastery.get(id).copied().unwrap_or(0.0))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PickLevel {
    Domains,
    Tasks(String),
    Skills(String),
}

/// A screen that only says something and offers a way on.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub title: String,
    pub lines: Vec<String>,
    pub offer_practice: bool,
    /// A drill's plan: `Enter` starts the drill with these questions.
    pub drill: Option<Vec<String>>,
}

/// The end of a practice, review or drill session: what was answered, how long it took, how
/// each domain went, and the missed questions to open again or retry.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub mode: Mode,
    pub answered: usize,
    pub correct: usize,
    pub next_due: Option<DateTime<Utc>>,
    /// Wall time from the first question to the end.
    pub spent_ms: i64,
    /// Median time to answer a question.
    pub median_answer_ms: Option<i64>,
    /// Per domain, in blueprint order: answered and right.
    pub domains: Vec<DomainTally>,
    /// The questions answered wrong, with their feedback, in the order answered.
    pub missed: Vec<QuestionView>,
    /// The highlighted missed question.
    pub cursor: usize,
    /// A missed question opened again (index into `missed`).
    pub detail: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainTally {
    pub domain: String,
    pub answered: usize,
    pub correct: usize,
}

impl Summary {
    /// The summary of `st` as of `now`, from the questions it has done.
    pub fn of(pack: &Pack, st: &Study, next_due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Summary {
        let mut domains: Vec<DomainTally> = pack
            .exam
            .domains
            .iter()
            .map(|d| DomainTally {
                domain: d.id.clone(),
                answered: 0,
                correct: 0,
            })
            .collect();
        let mut times = Vec::new();
        let mut missed = Vec::new();
        for v in &st.done {
            let Some(o) = &v.outcome else { continue };
            let domain = crate::model::domain_of(&v.question.skill);
            if let Some(t) = domains.iter_mut().find(|t| t.domain == domain) {
                t.answered += 1;
                t.correct += usize::from(o.correct);
            }
            times.push(o.elapsed_ms);
            if !o.correct {
                let mut m = v.clone();
                m.scroll = 0;
                m.exam_review = true;
                missed.push(m);
            }
        }
        domains.retain(|t| t.answered > 0);
        times.sort_unstable();
        Summary {
            mode: st.mode,
            answered: st.answered,
            correct: st.correct,
            next_due,
            spent_ms: (now - st.started_at).num_milliseconds().max(0),
            median_answer_ms: times.get(times.len() / 2).copied(),
            domains,
            missed,
            cursor: 0,
            detail: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Home,
    Picker(Picker),
    Study(Box<Study>),
    Summary(Summary),
    Notice(Notice),
    Exam(Box<super::exam::ExamScreen>),
    ExamIntro(super::exam::ExamIntro),
    ResumePrompt(super::exam::ResumePrompt),
    Report(Box<super::exam::ReportScreen>),
    History(super::exam::HistoryScreen),
    Stats(Box<super::stats::StatsScreen>),
    Search(SearchScreen),
}

pub struct App {
    pub pack: Rc<Pack>,
    pub screen: Screen,
    pub menu_index: usize,
    pub help: bool,
    pub dash: Dashboard,
    /// A one-line message under the screen (errors, hints); cleared on the next key.
    pub status: Option<String>,
    pub color: bool,
    pub light: bool,
    /// Reference URLs as terminal hyperlinks (OSC 8); off in tests and on terminals that
    /// would print the escape sequence.
    pub hyperlinks: bool,
    pub practice_count: usize,
    pub drill_count: usize,
    pub rng: StdRng,
    pub quit: bool,
    /// Text being typed (a report note, a search), over any screen.
    pub input: Option<TextInput>,
    /// Home-screen keys that the config file overrides.
    pub key_overrides: Vec<(MenuItem, char)>,
    /// Opened straight on a screen from the command line (`cloudprep history`, `exam`, …):
    /// `q`/`Esc` that would go back to home go back to the shell instead.
    pub exit_on_home: bool,
    /// When home's dashboard was last asked for: it is refreshed every minute while home is on
    /// screen, so that "Due now" follows the clock.
    pub dash_at: Option<DateTime<Utc>>,
    /// The learner's bookmarks and notes, read once at start and kept in step with what is
    /// saved.
    pub personal: Personal,
}

/// The learner's bookmarks and notes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Personal {
    pub bookmarks: std::collections::HashSet<String>,
    pub notes: std::collections::HashMap<String, String>,
}

impl Personal {
    /// Marks `v` with its bookmark and note.
    pub fn dress(&self, v: &mut QuestionView) {
        v.bookmarked = self.bookmarks.contains(&v.question.id);
        v.note = self.notes.get(&v.question.id).cloned();
    }
}

impl App {
    pub fn new(pack: Rc<Pack>, seed: u64, color: bool) -> App {
        App {
            pack,
            screen: Screen::Home,
            menu_index: 0,
            help: false,
            dash: Dashboard::default(),
            status: None,
            color,
            light: false,
            hyperlinks: false,
            practice_count: 10,
            drill_count: 10,
            rng: StdRng::seed_from_u64(seed),
            quit: false,
            input: None,
            key_overrides: Vec::new(),
            exit_on_home: false,
            dash_at: None,
            personal: Personal::default(),
        }
    }

    /// The key of a home-menu entry, after the config's overrides.
    pub fn menu_key(&self, m: MenuItem) -> char {
        self.key_overrides
            .iter()
            .find(|(x, _)| *x == m)
            .map(|(_, c)| *c)
            .unwrap_or_else(|| m.key())
    }

    /// Starts a study session on `queue` (question ids); unknown ids are skipped.
    pub fn start_study(&mut self, mode: Mode, title: String, queue: Vec<String>, now: DateTime<Utc>) {
        let mut items: Vec<QueueItem> = queue
            .into_iter()
            .filter(|id| self.pack.question(id).is_some())
            .map(|question_id| QueueItem {
                question_id,
                not_before: None,
            })
            .collect();
        if items.is_empty() {
            self.screen = Screen::Notice(Notice {
                title: mode.title().to_string(),
                lines: vec!["No questions match this choice.".to_string()],
                offer_practice: mode != Mode::Practice,
                drill: None,
            });
            return;
        }
        let first = items.remove(0);
        let planned = items.len() + 1;
        let Some(current) = self.view_for(&first.question_id, now) else {
            return;
        };
        self.screen = Screen::Study(Box::new(Study {
            mode,
            title,
            queue: items,
            new_ids: std::collections::HashSet::new(),
            from_search: None,
            answered: 0,
            correct: 0,
            planned,
            current,
            started_at: now,
            done: Vec::new(),
            looked_for_more: false,
        }));
    }

    /// Starts a review session; `new_ids` are the queue's new cards.
    pub fn start_review(&mut self, queue: Vec<String>, new_ids: std::collections::HashSet<String>, now: DateTime<Utc>) {
        self.start_study(Mode::Review, "due, then new".to_string(), queue, now);
        if let Screen::Study(st) = &mut self.screen {
            st.new_ids = new_ids;
        }
    }

    fn view_for(&mut self, id: &str, now: DateTime<Utc>) -> Option<QuestionView> {
        let q = self.pack.question(id)?.clone();
        let order = session::shuffle_options(q.options.len(), &mut self.rng);
        let mut v = QuestionView::new(q, order, now);
        self.personal.dress(&mut v);
        Some(v)
    }

    /// The question whose feedback is on screen, to bookmark or annotate (mutable).
    fn feedback_view_mut(&mut self) -> Option<&mut QuestionView> {
        let v = match &mut self.screen {
            Screen::Study(st) => Some(&mut st.current),
            Screen::Report(r) => r.detail.as_mut().map(|(_, v)| v),
            Screen::Summary(s) => match s.detail {
                Some(i) => s.missed.get_mut(i),
                None => None,
            },
            _ => None,
        }?;
        v.outcome.is_some().then_some(v)
    }

    /// The shell saved the answer: remember what is needed to re-rate it, and bring a
    /// (re)learning card back later in this review session.
    pub fn answer_saved(&mut self, review_id: i64, at: DateTime<Utc>, card_before: Card, card_after: &Card) {
        if let Screen::Study(st) = &mut self.screen
            && let Some(o) = &mut st.current.outcome
        {
            o.saved = Some(Saved {
                review_id,
                at,
                card_before,
                next_due: card_after.due,
                previews: Vec::new(),
                recall: None,
            });
            requeue(st, card_after);
        }
    }

    /// The shell worked out when each rating (Again to Easy) would bring the card back, and
    /// how likely FSRS thought recalling it was when it was asked.
    pub fn rating_previews(&mut self, previews: Vec<DateTime<Utc>>, recall: Option<f32>) {
        if let Screen::Study(st) = &mut self.screen
            && let Some(s) = st.current.outcome.as_mut().and_then(|o| o.saved.as_mut())
        {
            s.previews = previews;
            s.recall = recall;
        }
    }

    /// The shell re-rated the answer.
    pub fn rerated(&mut self, card_after: &Card) {
        if let Screen::Study(st) = &mut self.screen {
            if let Some(Saved { next_due, .. }) = st.current.outcome.as_mut().and_then(|o| o.saved.as_mut()) {
                *next_due = card_after.due;
            }
            st.queue
                .retain(|i| i.question_id != card_after.question_id || i.not_before.is_none());
            requeue(st, card_after);
        }
    }

    /// The shell took answer `review_id` back: the question is asked again as if it had just
    /// been shown, and the session's counts and queue forget the answer. It is the answer on
    /// screen, or the one before when the next question is already showing (that question goes
    /// back to the front of the queue).
    pub fn undone(&mut self, review_id: i64, now: DateTime<Utc>) {
        let Screen::Study(st) = &mut self.screen else {
            return;
        };
        let saved_id = |v: &QuestionView| v.outcome.as_ref().and_then(|o| o.saved.as_ref()).map(|s| s.review_id);
        if saved_id(&st.current) != Some(review_id) {
            if st.current.outcome.is_some() || st.done.last().and_then(saved_id) != Some(review_id) {
                return;
            }
            let Some(prev) = st.done.pop() else {
                return;
            };
            let next = std::mem::replace(&mut st.current, prev);
            st.queue.insert(
                0,
                QueueItem {
                    question_id: next.question.id,
                    not_before: None,
                },
            );
        }
        let Some(o) = st.current.outcome.take() else {
            return;
        };
        st.answered = st.answered.saturating_sub(1);
        if o.correct {
            st.correct = st.correct.saturating_sub(1);
        }
        // A relearning step the answer put back into the session goes with it.
        let id = st.current.question.id.clone();
        st.queue.retain(|i| i.question_id != id || i.not_before.is_none());
        st.current.selected.clear();
        st.current.scroll = 0;
        st.current.shown_at = now;
        self.status = Some("Answer taken back: it is not in your history. Answer again.".into());
    }

    /// At the end of a review, the cards that came due while it ran (maybe none): the session
    /// carries on with them, or ends with its summary.
    pub fn carry_on_review(&mut self, due: Vec<String>, now: DateTime<Utc>) {
        let screen = std::mem::replace(&mut self.screen, Screen::Home);
        let Screen::Study(mut st) = screen else {
            self.screen = screen;
            return;
        };
        let mut added = 0;
        for id in due {
            if id != st.current.question.id && !st.queue.iter().any(|i| i.question_id == id) {
                st.queue.push(QueueItem {
                    question_id: id,
                    not_before: None,
                });
                added += 1;
            }
        }
        st.planned += added;
        st.looked_for_more = true;
        let (screen, _) = next_question(self, st, now);
        self.screen = screen;
        if added > 0 {
            self.status = Some(format!(
                "{added} more card{} came due while you studied: carrying on.",
                if added == 1 { "" } else { "s" }
            ));
        }
    }

    /// The shell read the learner's counts and mastery: the chooser opens on the domains.
    pub fn open_picker(&mut self, facts: PickerFacts) {
        self.screen = Screen::Picker(Picker {
            level: PickLevel::Domains,
            index: 0,
            subset: Subset::All,
            count: self.practice_count,
            facts: Rc::new(facts),
        });
    }

    pub fn show_notice(&mut self, title: &str, lines: Vec<String>, offer_practice: bool) {
        self.screen = Screen::Notice(Notice {
            title: title.to_string(),
            lines,
            offer_practice,
            drill: None,
        });
    }

    /// Before a drill: the skills it targets and why; `Enter` starts it with `queue`.
    pub fn show_drill_plan(&mut self, lines: Vec<String>, queue: Vec<String>) {
        self.screen = Screen::Notice(Notice {
            title: "Drill: your weakest skills".to_string(),
            lines,
            offer_practice: false,
            drill: Some(queue),
        });
    }
}

/// In review, a card that is in a short step comes back later in the same session once the
/// step is due, as Anki does.
fn requeue(st: &mut Study, card: &Card) {
    if st.mode != Mode::Review || !session::in_steps(card) {
        return;
    }
    if st.queue.iter().any(|i| i.question_id == card.question_id) {
        return;
    }
    st.queue.push(QueueItem {
        question_id: card.question_id.clone(),
        not_before: Some(card.due),
    });
    st.planned += 1;
}

/// The pure update.
pub fn update(app: &mut App, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let escaped = action == Action::Escape;
    let action = if escaped { Action::Back } else { action };
    if action == Action::Tick {
        // Home's counts follow the clock: a refresh a minute.
        if matches!(app.screen, Screen::Home)
            && !app.help
            && app.input.is_none()
            && app
                .dash_at
                .is_none_or(|t| now - t >= chrono::Duration::seconds(DASHBOARD_REFRESH_SECS))
        {
            app.dash_at = Some(now);
            return vec![Effect::RefreshDashboard];
        }
        // Otherwise only the exam clock moves on its own.
        if let Screen::Exam(_) = &app.screen {
            let Screen::Exam(ex) = std::mem::replace(&mut app.screen, Screen::Home) else {
                return Vec::new();
            };
            let (mut screen, effects) = super::exam::exam_update(ex, action, now);
            // Five minutes left: said once, under the question.
            if let Screen::Exam(ex) = &mut screen
                && !ex.warned
                && ex.clock_within(now, crate::mock::CLOCK_ALERT_MIN)
            {
                ex.warned = true;
                app.status = Some(format!(
                    "⚠ {} minutes left: at 0:00 the exam is submitted as it stands.",
                    crate::mock::CLOCK_ALERT_MIN
                ));
            }
            app.screen = screen;
            return effects;
        }
        return Vec::new();
    }
    app.status = None;
    if action == Action::Quit {
        app.quit = true;
        // Leaving in the middle of an exam pauses it, as `q` does.
        if let Screen::Exam(ex) = &mut app.screen {
            let mut v = ex.save(now);
            ex.clock.pause(now);
            v.push(Effect::Quit);
            return v;
        }
        return vec![Effect::Quit];
    }
    if app.help {
        // Any key closes the help overlay.
        app.help = false;
        return Vec::new();
    }
    if let Some(input) = &mut app.input {
        match action {
            Action::Char(c) => input.insert(c),
            Action::Edit(e) => input.edit(e),
            Action::Back => app.input = None,
            Action::Enter => {
                let text = input.text.trim().to_string();
                let purpose = input.purpose.clone();
                app.input = None;
                match purpose {
                    InputPurpose::Report {
                        question_id,
                        shown_order,
                        chosen,
                    } => {
                        app.status = Some("Reported: thank you. `cloudprep reports` lists your reports.".to_string());
                        return vec![Effect::SaveReport {
                            question_id,
                            note: text,
                            shown_order,
                            chosen,
                        }];
                    }
                    InputPurpose::Note { question_id } => {
                        if text.is_empty() {
                            app.personal.notes.remove(&question_id);
                        } else {
                            app.personal.notes.insert(question_id.clone(), text.clone());
                        }
                        if let Some(v) = app.feedback_view_mut() {
                            v.note = (!text.is_empty()).then(|| text.clone());
                        }
                        app.status = Some(if text.is_empty() {
                            "Note deleted.".to_string()
                        } else {
                            "Note saved: it shows with this question's feedback from now on.".to_string()
                        });
                        return vec![Effect::SaveNote { question_id, text }];
                    }
                    InputPurpose::Search => {
                        let hits = session::search(&app.pack, &text);
                        app.screen = Screen::Search(SearchScreen {
                            query: text,
                            hits,
                            cursor: 0,
                        });
                    }
                }
            }
            _ => {}
        }
        return Vec::new();
    }
    if action == Action::ReportQuestion {
        if let Some(id) = current_question_id(app) {
            let (shown_order, chosen) = current_view(app)
                .map(|v| (v.order.clone(), v.chosen_original()))
                .unwrap_or_default();
            app.input = Some(TextInput::new(InputPurpose::Report {
                question_id: id,
                shown_order,
                chosen,
            }));
        }
        return Vec::new();
    }
    if action == Action::Search {
        app.input = Some(TextInput::new(InputPurpose::Search));
        return Vec::new();
    }
    if action == Action::Bookmark {
        let Some(v) = app.feedback_view_mut() else {
            return Vec::new();
        };
        v.bookmarked = !v.bookmarked;
        let (question_id, on) = (v.question.id.clone(), v.bookmarked);
        if on {
            app.personal.bookmarks.insert(question_id.clone());
        } else {
            app.personal.bookmarks.remove(&question_id);
        }
        app.status = Some(if on {
            "Bookmarked: practice's chooser takes the bookmarked questions with f.".to_string()
        } else {
            "Bookmark removed.".to_string()
        });
        return vec![Effect::SaveBookmark { question_id, on }];
    }
    if action == Action::Note {
        if let Some(v) = app.feedback_view_mut() {
            let mut input = TextInput::new(InputPurpose::Note {
                question_id: v.question.id.clone(),
            });
            input.text = v.note.clone().unwrap_or_default();
            input.cursor = input.text.chars().count();
            app.input = Some(input);
        }
        return Vec::new();
    }
    if action == Action::Help {
        app.help = true;
        return Vec::new();
    }
    let screen = std::mem::replace(&mut app.screen, Screen::Home);
    let (screen, effects) = match screen {
        Screen::Home => home(app, action),
        Screen::Picker(p) => picker(app, p, action),
        Screen::Study(st) => study(app, st, action, now),
        Screen::Summary(s) => summary_update(app, s, action, now),
        Screen::Notice(n) => match action {
            Action::OfferPractice if n.offer_practice => (Screen::Home, vec![Effect::OpenPicker]),
            Action::Enter if n.drill.is_some() => {
                let queue = n.drill.unwrap_or_default();
                app.start_study(Mode::Drill, "weakest skills".to_string(), queue, now);
                (std::mem::replace(&mut app.screen, Screen::Home), vec![])
            }
            Action::Enter | Action::Back => (Screen::Home, vec![Effect::RefreshDashboard]),
            _ => (Screen::Notice(n), vec![]),
        },
        Screen::Exam(ex) => super::exam::exam_update(ex, action, now),
        Screen::ExamIntro(i) => super::exam::intro_update(i, action),
        Screen::ResumePrompt(p) => super::exam::resume_update(p, action),
        Screen::Report(r) => super::exam::report_update(app, r, action, now),
        Screen::History(h) => super::exam::history_update(h, action),
        Screen::Stats(st) => super::stats::stats_update(*st, action),
        Screen::Search(sr) => search_update(app, sr, action, now),
    };
    let mut effects = effects;
    if app.exit_on_home
        && action == Action::Back
        && !escaped
        && matches!(screen, Screen::Home)
        && !effects.iter().any(Effect::opens_a_screen)
        && !effects.contains(&Effect::Quit)
    {
        effects.push(Effect::Quit);
    }
    if effects.contains(&Effect::Quit) {
        app.quit = true;
    }
    app.screen = screen;
    effects
}

fn summary_update(app: &mut App, mut s: Summary, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    let n = s.missed.len();
    if let Some(i) = s.detail {
        let v = &mut s.missed[i.min(n.saturating_sub(1))];
        match action {
            Action::Back | Action::Enter => s.detail = None,
            Action::Next | Action::Prev if n > 0 => {
                let j = if action == Action::Next {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                s.detail = Some(j);
                s.cursor = j;
            }
            Action::Up => v.scroll = v.scroll.saturating_sub(1),
            Action::Down => v.scroll = v.scroll.saturating_add(1),
            Action::ScrollUp | Action::PageUp => {
                v.scroll = v.scroll.saturating_sub(if action == Action::PageUp { 10 } else { 3 })
            }
            Action::ScrollDown | Action::PageDown => {
                v.scroll = v.scroll.saturating_add(if action == Action::PageDown { 10 } else { 3 })
            }
            _ => {}
        }
        return (Screen::Summary(s), vec![]);
    }
    match action {
        Action::Up => s.cursor = s.cursor.saturating_sub(1),
        Action::Down => s.cursor = (s.cursor + 1).min(n.saturating_sub(1)),
        Action::Enter if n > 0 => s.detail = Some(s.cursor.min(n - 1)),
        Action::PractiseMissed if n > 0 => {
            let ids = s.missed.iter().map(|v| v.question.id.clone()).collect();
            app.start_study(Mode::Practice, "retry the missed".to_string(), ids, now);
            return (std::mem::replace(&mut app.screen, Screen::Home), vec![]);
        }
        Action::Enter | Action::Back => return (Screen::Home, vec![Effect::RefreshDashboard]),
        _ => {}
    }
    (Screen::Summary(s), vec![])
}

fn search_update(app: &mut App, mut sr: SearchScreen, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    match action {
        Action::Back => return (Screen::Home, vec![Effect::RefreshDashboard]),
        Action::Up => sr.cursor = sr.cursor.saturating_sub(1),
        Action::Down => sr.cursor = (sr.cursor + 1).min(sr.hits.len().saturating_sub(1)),
        Action::PageUp => sr.cursor = sr.cursor.saturating_sub(10),
        Action::PageDown => sr.cursor = (sr.cursor + 10).min(sr.hits.len().saturating_sub(1)),
        Action::Enter => {
            if let Some(id) = sr.hits.get(sr.cursor).cloned() {
                let title = format!("search \"{}\"", sr.query);
                app.start_study(Mode::Practice, title, vec![id], now);
                let mut screen = std::mem::replace(&mut app.screen, Screen::Home);
                if let Screen::Study(st) = &mut screen {
                    st.from_search = Some(sr);
                }
                return (screen, vec![]);
            }
        }
        _ => {}
    }
    (Screen::Search(sr), vec![])
}

/// The question on screen, if any (study, exam, or an exam item under review).
pub fn current_view(app: &App) -> Option<&QuestionView> {
    match &app.screen {
        Screen::Study(st) => Some(&st.current),
        Screen::Exam(ex) => ex.items.get(ex.pos).map(|i| &i.view),
        Screen::Report(r) => r.detail.as_ref().map(|(_, v)| v),
        Screen::Summary(s) => s.detail.and_then(|i| s.missed.get(i)),
        _ => None,
    }
}

pub fn current_question_id(app: &App) -> Option<String> {
    current_view(app).map(|v| v.question.id.clone())
}

fn home(app: &mut App, action: Action) -> (Screen, Vec<Effect>) {
    let item = match action {
        Action::Up => {
            app.menu_index = app.menu_index.checked_sub(1).unwrap_or(MENU.len() - 1);
            return (Screen::Home, vec![]);
        }
        Action::Down => {
            app.menu_index = (app.menu_index + 1) % MENU.len();
            return (Screen::Home, vec![]);
        }
        Action::Enter => MENU[app.menu_index.min(MENU.len() - 1)],
        Action::Menu(m) => m,
        Action::Back => MenuItem::Quit,
        _ => return (Screen::Home, vec![]),
    };
    match item {
        MenuItem::Review => (Screen::Home, vec![Effect::StartReview]),
        MenuItem::Practice => (Screen::Home, vec![Effect::OpenPicker]),
        MenuItem::Drill => (Screen::Home, vec![Effect::StartDrill { count: app.drill_count }]),
        MenuItem::Exam => (Screen::Home, vec![Effect::OpenExam(ExamOptions::default())]),
        MenuItem::History => (Screen::Home, vec![Effect::OpenHistory]),
        MenuItem::Stats => (Screen::Home, vec![Effect::OpenStats]),
        MenuItem::Quit => (Screen::Home, vec![Effect::Quit]),
    }
}

/// The entries of a picker level: (filter, label).
pub fn picker_entries(pack: &Pack, level: &PickLevel) -> Vec<(Filter, String)> {
    let e = &pack.exam;
    match level {
        PickLevel::Domains => {
            let mut v = vec![(Filter::All, "Everything (all domains)".to_string())];
            v.extend(
                e.domains
                    .iter()
                    .map(|d| (Filter::Domain(d.id.clone()), format!("{} {}", d.id, d.title))),
            );
            v
        }
        PickLevel::Tasks(d) => {
            let mut v = vec![(Filter::Domain(d.clone()), format!("All of domain {d}"))];
            if let Some(dom) = e.domain(d) {
                v.extend(
                    dom.tasks
                        .iter()
                        .map(|t| (Filter::Task(t.id.clone()), format!("{} {}", t.id, t.title))),
                );
            }
            v
        }
        PickLevel::Skills(t) => {
            let mut v = vec![(Filter::Task(t.clone()), format!("All of task {t}"))];
            if let Some(task) = e.task(t) {
                v.extend(
                    task.skills
                        .iter()
                        .map(|s| (Filter::Skill(s.id.clone()), format!("{} {}", s.id, s.title))),
                );
            }
            v
        }
    }
}

fn picker(app: &mut App, mut p: Picker, action: Action) -> (Screen, Vec<Effect>) {
    let entries = picker_entries(&app.pack, &p.level);
    match action {
        Action::Up => p.index = p.index.checked_sub(1).unwrap_or(entries.len().saturating_sub(1)),
        Action::Down => p.index = (p.index + 1) % entries.len().max(1),
        Action::More => {
            p.count = if p.count < 5 {
                p.count + 1
            } else {
                (p.count + 5).min(PRACTICE_MAX)
            }
        }
        Action::Fewer => {
            p.count = if p.count > 5 {
                p.count - 5
            } else {
                p.count.saturating_sub(1).max(1)
            }
        }
        Action::CycleSubset => p.subset = p.subset.next(),
        Action::Back => {
            let (level, index) = match p.level.clone() {
                PickLevel::Domains => return (Screen::Home, vec![Effect::RefreshDashboard]),
                PickLevel::Tasks(d) => {
                    let index = entries_index(&app.pack, &PickLevel::Domains, &Filter::Domain(d));
                    (PickLevel::Domains, index)
                }
                PickLevel::Skills(t) => {
                    let d = crate::model::parent_id(&t).to_string();
                    let level = PickLevel::Tasks(d);
                    let index = entries_index(&app.pack, &level, &Filter::Task(t));
                    (level, index)
                }
            };
            p.level = level;
            p.index = index;
        }
        Action::Enter => {
            let Some((filter, _)) = entries.get(p.index).cloned() else {
                return (Screen::Picker(p), vec![]);
            };
            // The first entry of a level ("Everything", "All of ...") starts practice; the
            // others open the next level, except skills, which start practice.
            let start = p.index == 0 || matches!(filter, Filter::Skill(_));
            if start {
                if p.facts.row(&filter).in_subset(p.subset) == 0 {
                    app.status = Some(format!(
                        "No questions here are {}: f changes the filter.",
                        p.subset.label()
                    ));
                    return (Screen::Picker(p), vec![]);
                }
                // The count chosen here is kept for the next practice.
                app.practice_count = p.count;
                return (
                    Screen::Home,
                    vec![Effect::StartPractice {
                        filter,
                        count: p.count,
                        subset: p.subset,
                    }],
                );
            }
            p.level = match filter {
                Filter::Domain(d) => PickLevel::Tasks(d),
                Filter::Task(t) => PickLevel::Skills(t),
                _ => p.level.clone(),
            };
            p.index = 0;
        }
        _ => {}
    }
    (Screen::Picker(p), vec![])
}

fn entries_index(pack: &Pack, level: &PickLevel, f: &Filter) -> usize {
    picker_entries(pack, level)
        .iter()
        .skip(1)
        .position(|(x, _)| x == f)
        .map(|i| i + 1)
        .unwrap_or(0)
}

fn study(app: &mut App, mut st: Box<Study>, action: Action, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    let answered = st.current.outcome.is_some();
    match action {
        Action::Back => {
            if let Some(sr) = st.from_search.take() {
                return (Screen::Search(sr), vec![]);
            }
            if st.answered == 0 {
                return (Screen::Home, vec![Effect::RefreshDashboard]);
            }
            if answered {
                st.done.push(st.current.clone());
            }
            return (Screen::Summary(Summary::of(&app.pack, &st, None, now)), vec![]);
        }
        Action::ScrollUp | Action::PageUp => {
            let step = if action == Action::PageUp { 10 } else { 3 };
            st.current.scroll = st.current.scroll.saturating_sub(step);
        }
        Action::ScrollDown | Action::PageDown => {
            let step = if action == Action::PageDown { 10 } else { 3 };
            st.current.scroll = st.current.scroll.saturating_add(step);
        }
        Action::Up if !answered => {
            let n = st.current.order.len();
            st.current.highlight = st.current.highlight.checked_sub(1).unwrap_or(n.saturating_sub(1));
        }
        Action::Down if !answered => {
            let n = st.current.order.len().max(1);
            st.current.highlight = (st.current.highlight + 1) % n;
        }
        Action::Up => st.current.scroll = st.current.scroll.saturating_sub(1),
        Action::Down => st.current.scroll = st.current.scroll.saturating_add(1),
        Action::Toggle(d) if !answered => st.current.toggle(d),
        Action::ToggleHighlighted if !answered => {
            let h = st.current.highlight;
            st.current.toggle(h);
        }
        Action::Enter if !answered => {
            if st.current.selected.is_empty() {
                app.status = Some("Choose an answer first (a-f or 1-6, or click an option).".to_string());
                return (Screen::Study(st), vec![]);
            }
            let q = &st.current.question;
            if let Some(hint_n) = (q.kind == Kind::Multiple).then(|| q.correct_set().len())
                && st.current.selected.len() != hint_n
            {
                app.status = Some(format!(
                    "This question asks for {hint_n} answers; you chose {}.",
                    st.current.selected.len()
                ));
                return (Screen::Study(st), vec![]);
            }
            let chosen = st.current.chosen_original();
            let correct = q.is_correct(&chosen);
            let auto = Rating::auto(correct);
            st.answered += 1;
            if correct {
                st.correct += 1;
            }
            let elapsed_ms = (now - st.current.shown_at).num_milliseconds().max(0);
            st.current.outcome = Some(Outcome {
                correct,
                auto,
                rating: auto,
                elapsed_ms,
                saved: None,
            });
            st.current.scroll = 0;
            let rec = AnswerRecord {
                question_id: q.id.clone(),
                skill: q.skill.clone(),
                difficulty: q.difficulty,
                mode: st.mode,
                chosen,
                correct,
                rating: auto,
                at: now,
                elapsed_ms,
            };
            return (Screen::Study(st), vec![Effect::SaveAnswer(rec)]);
        }
        Action::Rate(r) if answered => {
            let qid = st.current.question.id.clone();
            if let Some(o) = &mut st.current.outcome {
                if o.rating == r {
                    return (Screen::Study(st), vec![]);
                }
                match &o.saved {
                    Some(s) => {
                        o.rating = r;
                        let eff = Effect::Rerate {
                            review_id: s.review_id,
                            card_before: s.card_before.clone(),
                            question_id: qid,
                            rating: r,
                            at: s.at,
                        };
                        return (Screen::Study(st), vec![eff]);
                    }
                    None => app.status = Some("Still saving; try again in a moment.".to_string()),
                }
            }
        }
        // Undo works on the answer on screen, or just after: on the one before, while the next
        // question is still unanswered.
        Action::Undo => match if answered { Some(&st.current) } else { st.done.last() }
            .and_then(|v| v.outcome.as_ref())
            .and_then(|o| o.saved.as_ref())
        {
            Some(s) => {
                let eff = Effect::UndoAnswer {
                    review_id: s.review_id,
                    card_before: s.card_before.clone(),
                };
                return (Screen::Study(st), vec![eff]);
            }
            None => app.status = Some("Still saving; try again in a moment.".to_string()),
        },
        Action::Enter => return next_question(app, st, now),
        _ => {}
    }
    (Screen::Study(st), vec![])
}

/// Moves to the next question of the session, or to the summary.
fn next_question(app: &mut App, mut st: Box<Study>, now: DateTime<Utc>) -> (Screen, Vec<Effect>) {
    let same = |a: &QuestionView, b: &QuestionView| a.question.id == b.question.id && a.shown_at == b.shown_at;
    if st.current.outcome.is_some() && !st.done.last().is_some_and(|d| same(d, &st.current)) {
        st.done.push(st.current.clone());
    }
    // Only what is due now, in queue order: a card in a learning step is never shown again
    // before its step is due (the same stem seconds after its key, graduated by two quick
    // "Good"s, teaches nothing). The session ends saying when such cards come back.
    while let Some(k) = st.queue.iter().position(|i| i.not_before.is_none_or(|t| t <= now)) {
        let item = st.queue.remove(k);
        if let Some(v) = app.view_for(&item.question_id, now) {
            st.current = v;
            st.looked_for_more = false;
            return (Screen::Study(st), vec![]);
        }
    }
    if let Some(sr) = st.from_search.take() {
        return (Screen::Search(sr), vec![]);
    }
    // A review ends only when nothing is due: the shell looks for cards that came due while
    // the session ran and carries on with them ([`App::carry_on_review`]).
    if st.mode == Mode::Review && !st.looked_for_more {
        return (Screen::Study(st), vec![Effect::ReviewMoreDue]);
    }
    let waiting = st.queue.iter().filter_map(|i| i.not_before).min();
    let next_due = waiting.or_else(|| {
        st.current
            .outcome
            .as_ref()
            .and_then(|o| o.saved.as_ref())
            .map(|s| s.next_due)
    });
    (Screen::Summary(Summary::of(&app.pack, &st, next_due, now)), vec![])
}
