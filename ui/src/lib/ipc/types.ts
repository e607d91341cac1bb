// The IPC types. Everything the core defines comes from the ts-rs bindings (generated from
// Rust, never edited by hand); only shapes that exist in the shell alone are written here.
import type { Explanation } from './bindings/Explanation';
export type { AttentionEstimate } from './bindings/AttentionEstimate';
export type { Category } from './bindings/Category';
export type { CategoryUsage } from './bindings/CategoryUsage';
export type { CurrentSession } from './bindings/CurrentSession';
export type { DataLocation } from './bindings/DataLocation';
export type { DayUsage } from './bindings/DayUsage';
export type { Explanation } from './bindings/Explanation';
export type { Finding } from './bindings/Finding';
export type { Goal } from './bindings/Goal';
export type { GoalDay } from './bindings/GoalDay';
export type { GoalEvaluation } from './bindings/GoalEvaluation';
export type { GoalId } from './bindings/GoalId';
export type { GoalKind } from './bindings/GoalKind';
export type { GoalSource } from './bindings/GoalSource';
export type { GoalTarget } from './bindings/GoalTarget';
export type { GoalWeek } from './bindings/GoalWeek';
export type { IpcError } from './bindings/IpcError';
export type { MismatchReport } from './bindings/MismatchReport';
export type { NewGoal } from './bindings/NewGoal';
export type { Period } from './bindings/Period';
export type { RatingInput } from './bindings/RatingInput';
export type { RatingScope } from './bindings/RatingScope';
export type { RecentWindow } from './bindings/RecentWindow';
export type { Report } from './bindings/Report';
export type { RuleDraft } from './bindings/RuleDraft';
export type { RuleMatch } from './bindings/RuleMatch';
export type { RuleTrial } from './bindings/RuleTrial';
export type { SessionHistogram } from './bindings/SessionHistogram';
export type { SessionRef } from './bindings/SessionRef';
export type { Settings } from './bindings/Settings';
export type { Source } from './bindings/Source';
export type { Status } from './bindings/Status';
export type { TargetMismatch } from './bindings/TargetMismatch';
export type { TargetPatterns } from './bindings/TargetPatterns';
export type { TargetUsage } from './bindings/TargetUsage';
export type { TimelineEntry } from './bindings/TimelineEntry';
export type { TitlePolicy } from './bindings/TitlePolicy';
export type { TodayView } from './bindings/TodayView';
export type { TrackingMode } from './bindings/TrackingMode';
export type { TrackingState } from './bindings/TrackingState';
export type { Usage } from './bindings/Usage';
export type { Weekdays } from './bindings/Weekdays';

import type { Period } from './bindings/Period';

/** The periods the Mismatch view offers (the core's `custom` is for the CLI). */
export type ViewPeriod = Exclude<Period, 'custom'>;

/** `pause_tracking`'s arguments: a number of minutes, or until the next local day. */
export type PauseRequest = { minutes: number } | { untilTomorrow: true };

/** `preview_rule`'s answer: what a window would count toward, and the steps that decided it. */
export type RuleExplanation = Explanation;
