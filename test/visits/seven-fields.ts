/** A visit record's seven fields (6.8.2.5), filled as a caseworker would after a home visit. */
export const sevenFields = {
  thought: '思想稳定，关心国家大事',
  health: '血压偏高，按时服药',
  medicalCare: '每月到医院复查',
  hobbies: '书法',
  socialActivity: '参加老年大学',
  family: '女儿每周探望',
  livingConditions: '住房良好，生活自理',
};

/** The seven fields' headings, in their order on the printed form and in the export. */
export const sevenFieldLabels = [
  '思想状况',
  '身体状况',
  '医疗保障',
  '兴趣爱好',
  '社会活动',
  '家庭情况',
  '生活条件',
];
