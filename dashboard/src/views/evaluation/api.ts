/** Evaluation (7.1) and improvement (7.2): surveys and their results, complaints and suggestions, actions. */
import type {
  Feedback,
  FeedbackInput,
  FeedbackQuery,
  ImprovementAction,
  ImprovementActionInput,
  ResultGroup,
  Survey,
  SurveyInput,
  SurveyResponseInput,
} from '../../../../server/schemas/evaluation.ts';
import { api, type BodyOf, data, type QueryOf } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';

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

export function listSurveys(): Promise<Survey[]> {
  return data(api.GET('/api/evaluation/surveys'));
}
export function createSurvey(body: SurveyInput): Promise<Survey> {
  return data(api.POST('/api/evaluation/surveys', { body }));
}
export function closeSurvey(surveyId: string): Promise<Survey> {
  return data(api.POST('/api/evaluation/surveys/{id}/close', { params: { path: { id: surveyId } } }));
}
export function respond(surveyId: string, body: SurveyResponseInput) {
  return data(
    api.POST('/api/evaluation/surveys/{id}/responses', { params: { path: { id: surveyId } }, body }),
  );
}
export function results(query: QueryOf<'/api/evaluation/results'> = {}): Promise<ResultGroup[]> {
  return data(api.GET('/api/evaluation/results', { params: { query } }));
}
export function exportResults(query: QueryOf<'/api/evaluation/results/export.xlsx'> = {}): Promise<string> {
  return downloadFile('/api/evaluation/results/export.xlsx', 'survey-results.xlsx', query);
}

export function listFeedback(query: QueryOf<'/api/evaluation/feedback'> = {}): Promise<Feedback[]> {
  return data(api.GET('/api/evaluation/feedback', { params: { query } }));
}
export function createFeedback(body: FeedbackInput): Promise<Feedback> {
  return data(api.POST('/api/evaluation/feedback', { body }));
}
export function handleFeedback(feedbackId: string): Promise<Feedback> {
  return data(api.POST('/api/evaluation/feedback/{id}/handle', { params: { path: { id: feedbackId } } }));
}
export function answerFeedback(
  feedbackId: string,
  body: BodyOf<'/api/evaluation/feedback/{id}/answer'>,
): Promise<Feedback> {
  return data(
    api.POST('/api/evaluation/feedback/{id}/answer', { params: { path: { id: feedbackId } }, body }),
  );
}
export function closeFeedback(feedbackId: string, note?: string): Promise<Feedback> {
  return data(
    api.POST('/api/evaluation/feedback/{id}/close', { params: { path: { id: feedbackId } }, body: { note } }),
  );
}
export function exportFeedback(query: Omit<FeedbackQuery, 'limit'> = {}): Promise<string> {
  return downloadFile('/api/evaluation/feedback/export.xlsx', 'complaints-suggestions.xlsx', query);
}

export function listActions(query: QueryOf<'/api/evaluation/actions'> = {}): Promise<ImprovementAction[]> {
  return data(api.GET('/api/evaluation/actions', { params: { query } }));
}
export function createAction(body: ImprovementActionInput): Promise<ImprovementAction> {
  return data(api.POST('/api/evaluation/actions', { body }));
}
export function startAction(actionId: string): Promise<ImprovementAction> {
  return data(api.POST('/api/evaluation/actions/{id}/start', { params: { path: { id: actionId } } }));
}
export function finishAction(
  actionId: string,
  body: BodyOf<'/api/evaluation/actions/{id}/done'>,
): Promise<ImprovementAction> {
  return data(api.POST('/api/evaluation/actions/{id}/done', { params: { path: { id: actionId } }, body }));
}
export function reviewAction(
  actionId: string,
  body: BodyOf<'/api/evaluation/actions/{id}/review'>,
): Promise<ImprovementAction> {
  return data(api.POST('/api/evaluation/actions/{id}/review', { params: { path: { id: actionId } }, body }));
}
export function exportActions(query: QueryOf<'/api/evaluation/actions/export.xlsx'> = {}): Promise<string> {
  return downloadFile('/api/evaluation/actions/export.xlsx', 'improvement-actions.xlsx', query);
}
