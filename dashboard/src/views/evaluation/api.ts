/** Evaluation (7.1) and improvement (7.2): surveys and their results, complaints and suggestions, actions. */
import type {
  Feedback,
  FeedbackInput,
  ImprovementAction,
  ImprovementActionInput,
  ResultGroup,
  Survey,
  SurveyInput,
  SurveyLink,
  SurveyLinksInput,
  SurveyResponse,
  SurveyResponseEntry,
  SurveyResponseInput,
} from '../../../../server/schemas/evaluation.ts';
import { call } from '../../api/client.ts';
import { download, downloadFile } from '../../api/download.ts';
import { recordCalls } from '../../api/records.ts';

export type {
  Feedback,
  FeedbackInput,
  ImprovementAction,
  ImprovementActionInput,
  ResultGroup,
  Survey,
  SurveyInput,
  SurveyLink,
  SurveyLinksInput,
  SurveyResponseEntry,
  SurveyResponseInput,
};
export type ServiceArea = ResultGroup['serviceArea'];
export type FeedbackKind = Feedback['kind'];
export type FeedbackChannel = Feedback['channel'];
export type FeedbackStatus = Feedback['status'];
export type ActionStatus = ImprovementAction['status'];
export type FindingKind = ImprovementAction['finding']['kind'];
export type QuestionKind = Survey['questions'][number]['kind'];
/** Who gave a response: staff entering a paper form or a visit, or the retiree or a family member on the phone page. */
export type ResponseSource = SurveyResponse['source'];
export type Respondent = SurveyLink['respondent'];

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
export const surveyResponses = call.get('/api/evaluation/surveys/{id}/responses');
export const results = call.get('/api/evaluation/results');
export const exportResults = download('/api/evaluation/results/export.xlsx', 'survey-results.xlsx');

// The answer links of the phone page (/q/<token>): issued per retiree, or for everyone on the register.
export const surveyLinks = call.get('/api/evaluation/surveys/{id}/links');
export const issueSurveyLinks = call.post('/api/evaluation/surveys/{id}/links');
export const revokeSurveyLink = call.post('/api/evaluation/survey-links/{id}/revoke');
/** The cut-out slips of a survey's links, each with a retiree's name and the QR code of their link (A4 PDF). */
export const downloadSlips = (surveyId: string): Promise<string> =>
  downloadFile(`/api/evaluation/surveys/${encodeURIComponent(surveyId)}/links/slips.pdf`, 'survey-slips.pdf');

export const feedbackRecords = recordCalls('/api/evaluation/feedback', 'complaints-suggestions.xlsx');
export const handleFeedback = call.post('/api/evaluation/feedback/{id}/handle');
export const answerFeedback = call.post('/api/evaluation/feedback/{id}/answer');
const close = call.post('/api/evaluation/feedback/{id}/close');
export const closeFeedback = (feedbackId: string, note?: string) => close(feedbackId, { note });

export const actionRecords = recordCalls('/api/evaluation/actions', 'improvement-actions.xlsx');
export const startAction = call.post('/api/evaluation/actions/{id}/start');
export const finishAction = call.post('/api/evaluation/actions/{id}/done');
export const reviewAction = call.post('/api/evaluation/actions/{id}/review');
