/** The Chinese names of the culture-and-sport words (6.6), for the interface and the Excel sheets. */
import type {
  ActivityKind,
  AgeGroup,
  Attendance,
  EventStatus,
  GroupKind,
  HealthFit,
} from '../schemas/activities.ts';

export const ACTIVITY_KIND_NAMES: Record<ActivityKind, string> = {
  culture: '文化活动',
  sport: '体育活动',
  study: '学习（老年大学）',
  outing: '参观游览',
  other: '其他',
};

export const AGE_GROUP_NAMES: Record<AgeGroup, string> = {
  all: '不限年龄',
  under_80: '80岁以下',
  from_80_to_89: '80至89岁',
  from_90: '90岁及以上',
};

export const HEALTH_NAMES: Record<HealthFit, string> = {
  all: '不限',
  able: '身体健康',
  limited: '行动不便',
};

export const EVENT_STATUS_NAMES: Record<EventStatus, string> = {
  planned: '筹备中',
  confirmed: '已确认',
  cancelled: '已取消',
};

export const ATTENDANCE_NAMES: Record<Attendance, string> = {
  present: '出席',
  absent: '缺席',
  excused: '请假',
};

export const GROUP_KIND_NAMES: Record<GroupKind, string> = {
  calligraphy: '书法',
  painting: '绘画',
  dance: '舞蹈',
  choir: '歌咏',
  tai_chi: '太极拳',
  reading: '读书',
  ball: '球类',
  other: '其他',
};
