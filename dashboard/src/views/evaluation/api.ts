/** Evaluation (7.1) and improvement (7.2): surveys and their results, complaints and suggestions, actions. */
import type {
  Feedback,
  FeedbackInput,
  ImprovementAction,
  ImprovementActionInput,
  ResultGroup,
  Survey,
  SurveyInput,
  SurveyResponseInput,
} from '../../../../server/schemas/evaluation.ts';
import { call } from '../../api/client.ts';
import { download } from '../../api/download.ts';
import { recordCalls } from '../../api/records.ts';

export type {
  Feedback,
  FeedbackInput,
  ImprovementAction,
  ImprovementActionInput,
  ResultGroup,
  Survey,
  SurveyInput,
  SurveyResponseInput,
};
export type ServiceArea = ResultGroup['serviceArea'];
export type FeedbackKind = Feedback['kind'];
export type FeedbackChannel = Feedback['channel'];
export type FeedbackStatus = Feedback['status'];
export type ActionStatus = ImprovementAction['status'];
export type FindingKind = ImprovementAction['finding']['kind'];
export type QuestionKind = Survey['questions'][number]['kind'];

export const serviceAreas: readonly ServiceArea[] = [
  'medical',
  'culture_sports',
  'visits',
  'monitoring',
  'living',
  'political',
  'other',
];
export const feedbackKinds: readonly FeedbackKind[] = ['complaint', 'suggestion'];
export const feedbackChannels: readonly FeedbackChannel[] = [
  'suggestion_box',
  'window_book',
  'phone',
  'online',
  'meeting',
];
export const feedbackStatuses: readonly FeedbackStatus[] = ['received', 'handling', 'answered', 'closed'];
export const actionStatuses: readonly ActionStatus[] = ['planned', 'doing', 'done', 'reviewed'];
export const findingKinds: readonly FindingKind[] = ['complaint', 'survey', 'text'];

export const listSurveys = call.get('/api/evaluation/surveys');
export const createSurvey = call.post('/api/evaluation/surveys');
export const closeSurvey = call.post('/api/evaluation/surveys/{id}/close');
export const respond = call.post('/api/evaluation/surveys/{id}/responses');
export const results = call.get('/api/evaluation/results');
export const exportResults = download('/api/evaluation/results/export.xlsx', 'survey-results.xlsx');

export const feedbackRecords = recordCalls('/api/evaluation/feedback', 'complaints-suggestions.xlsx');
export const handleFeedback = call.post('/api/evaluation/feedback/{id}/handle');
export const answerFeedback = call.post('/api/evaluation/feedback/{id}/answer');
const close = call.post('/api/evaluation/feedback/{id}/close');
export const closeFeedback = (feedbackId: string, note?: string) => close(feedbackId, { note });

export const actionRecords = recordCalls('/api/evaluation/actions', 'improvement-actions.xlsx');
export const startAction = call.post('/api/evaluation/actions/{id}/start');
export const finishAction = call.post('/api/evaluation/actions/{id}/done');
export const reviewAction = call.post('/api/evaluation/actions/{id}/review');
