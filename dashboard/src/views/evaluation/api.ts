/** Evaluation (7.1) and improvement (7.2): surveys and their results, complaints and suggestions, actions. */
import type {
  ActionDone,
  ActionQuery,
  ActionReview,
  Feedback,
  FeedbackAnswer,
  FeedbackInput,
  FeedbackQuery,
  ImprovementAction,
  ImprovementActionInput,
  ResultGroup,
  ResultsQuery,
  Survey,
  SurveyInput,
  SurveyResponse,
  SurveyResponseInput,
} from '../../../../server/schemas/evaluation.ts';
import { downloadFile } from '../../api/download.ts';
import { request } from '../../api/http.ts';

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

const id = (value: string) => encodeURIComponent(value);

export function listSurveys(): Promise<Survey[]> {
  return request('/api/evaluation/surveys');
}
export function createSurvey(body: SurveyInput): Promise<Survey> {
  return request('/api/evaluation/surveys', { method: 'POST', body });
}
export function closeSurvey(surveyId: string): Promise<Survey> {
  return request(`/api/evaluation/surveys/${id(surveyId)}/close`, { method: 'POST' });
}
export function respond(surveyId: string, body: SurveyResponseInput): Promise<SurveyResponse> {
  return request(`/api/evaluation/surveys/${id(surveyId)}/responses`, { method: 'POST', body });
}
export function results(query: ResultsQuery = {}): Promise<ResultGroup[]> {
  return request('/api/evaluation/results', { query });
}
export function exportResults(query: ResultsQuery = {}): Promise<string> {
  return downloadFile('/api/evaluation/results/export.xlsx', 'survey-results.xlsx', query);
}

export function listFeedback(query: FeedbackQuery = {}): Promise<Feedback[]> {
  return request('/api/evaluation/feedback', { query });
}
export function createFeedback(body: FeedbackInput): Promise<Feedback> {
  return request('/api/evaluation/feedback', { method: 'POST', body });
}
export function handleFeedback(feedbackId: string): Promise<Feedback> {
  return request(`/api/evaluation/feedback/${id(feedbackId)}/handle`, { method: 'POST' });
}
export function answerFeedback(feedbackId: string, body: FeedbackAnswer): Promise<Feedback> {
  return request(`/api/evaluation/feedback/${id(feedbackId)}/answer`, { method: 'POST', body });
}
export function closeFeedback(feedbackId: string, note?: string): Promise<Feedback> {
  return request(`/api/evaluation/feedback/${id(feedbackId)}/close`, { method: 'POST', body: { note } });
}
export function exportFeedback(query: Omit<FeedbackQuery, 'limit'> = {}): Promise<string> {
  return downloadFile('/api/evaluation/feedback/export.xlsx', 'complaints-suggestions.xlsx', query);
}

export function listActions(query: ActionQuery = {}): Promise<ImprovementAction[]> {
  return request('/api/evaluation/actions', { query });
}
export function createAction(body: ImprovementActionInput): Promise<ImprovementAction> {
  return request('/api/evaluation/actions', { method: 'POST', body });
}
export function startAction(actionId: string): Promise<ImprovementAction> {
  return request(`/api/evaluation/actions/${id(actionId)}/start`, { method: 'POST' });
}
export function finishAction(actionId: string, body: ActionDone): Promise<ImprovementAction> {
  return request(`/api/evaluation/actions/${id(actionId)}/done`, { method: 'POST', body });
}
export function reviewAction(actionId: string, body: ActionReview): Promise<ImprovementAction> {
  return request(`/api/evaluation/actions/${id(actionId)}/review`, { method: 'POST', body });
}
export function exportActions(query: ActionQuery = {}): Promise<string> {
  return downloadFile('/api/evaluation/actions/export.xlsx', 'improvement-actions.xlsx', query);
}
