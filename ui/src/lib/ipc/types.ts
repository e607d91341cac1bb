// The IPC types. Everything the core defines comes from the ts-rs bindings (generated from
// Rust, never edited by hand); only shapes that exist in the shell alone are written here.
import type { Explanation } from './bindings/Explanation';
export type { AttentionEstimate } from './bindings/AttentionEstimate';
export type { Adherence } from './bindings/Adherence';
export type { AdherenceDay } from './bindings/AdherenceDay';
export type { AdherenceRecord } from './bindings/AdherenceRecord';
export type { AdherenceRow } from './bindings/AdherenceRow';
export type { Category } from './bindings/Category';
export type { CategoryUsage } from './bindings/CategoryUsage';
export type { CreateFamily } from './bindings/CreateFamily';
export type { CurrentSession } from './bindings/CurrentSession';
export type { DataLocation } from './bindings/DataLocation';
export type { DayUsage } from './bindings/DayUsage';
export type { Explanation } from './bindings/Explanation';
export type { FamilyAction } from './bindings/FamilyAction';
export type { FamilyStatus } from './bindings/FamilyStatus';
export type { Finding } from './bindings/Finding';
export type { FolderProblem } from './bindings/FolderProblem';
export type { Goal } from './bindings/Goal';
export type { GoalDay } from './bindings/GoalDay';
export type { GoalEvaluation } from './bindings/GoalEvaluation';
export type { GoalId } from './bindings/GoalId';
export type { GoalKind } from './bindings/GoalKind';
export type { GoalMark } from './bindings/GoalMark';
export type { GoalSource } from './bindings/GoalSource';
export type { GoalTarget } from './bindings/GoalTarget';
export type { GoalWeek } from './bindings/GoalWeek';
export type { IpcError } from './bindings/IpcError';
export type { JoinFamily } from './bindings/JoinFamily';
export type { MemberView } from './bindings/MemberView';
export type { MismatchReport } from './bindings/MismatchReport';
export type { NewGoal } from './bindings/NewGoal';
export type { Period } from './bindings/Period';
export type { ProposalStatus } from './bindings/ProposalStatus';
export type { ProposalView } from './bindings/ProposalView';
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
export type { SharedGoal } from './bindings/SharedGoal';
export type { SharedGoalView } from './bindings/SharedGoalView';
export type { SharePreview } from './bindings/SharePreview';
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
export type { SetupReport } from './bindings/SetupReport';
export type { PlatformChoice } from './bindings/PlatformChoice';
export type { SensorState } from './bindings/SensorState';
export type { Usage } from './bindings/Usage';
export type { WeekAdherence } from './bindings/WeekAdherence';
export type { Weekdays } from './bindings/Weekdays';

import type { Period } from './bindings/Period';

/** The periods the Mismatch view offers (the core's `custom` is for the CLI). */
export type ViewPeriod = Exclude<Period, 'custom'>;

/** `pause_tracking`'s arguments: a number of minutes, or until the next local day. */
export type PauseRequest = { minutes: number } | { untilTomorrow: true };

/** `preview_rule`'s answer: what a window would count toward, and the steps that decided it. */
export type RuleExplanation = Explanation;
