/** Words of revoking a device and replacing its secret, Chinese first. */
const zh = {
  ds: {
    actions: '操作',
    revoke: '吊销',
    rotate: '更换密钥',
    revoked: '已吊销',
    revokedAt: '吊销于 {when}：{reason}',
    revokeTitle: '吊销设备 {id}',
    revokePrompt:
      '吊销后该设备立即断开、不能再登录，为它排队的指令全部丢弃；记录、告警和历史数据保留。此操作不能撤销。请填写原因：',
    revokeReason: '原因（如：设备遗失、已更换、密钥泄露）',
    reasonRequired: '请填写吊销原因',
    reasonTooLong: '原因不能超过 500 个字',
    confirmRevoke: '确认吊销',
    cancel: '取消',
    revokedDone: '设备 {id} 已吊销',
    rotateTitle: '更换设备 {id} 的密钥',
    rotatePrompt: '旧密钥立即失效，设备当前连接会断开，需用新密钥重新连接。新密钥只显示一次。继续吗？',
    confirmRotate: '更换密钥',
    rotated: '设备 {id} 已更换密钥',
    newSecretFor: '设备 {id} 的新 MQTT 密钥（password）',
  },
};

const en: typeof zh = {
  ds: {
    actions: 'Actions',
    revoke: 'Revoke',
    rotate: 'New secret',
    revoked: 'Revoked',
    revokedAt: 'Revoked {when}: {reason}',
    revokeTitle: 'Revoke device {id}',
    revokePrompt:
      'The device is disconnected at once and can no longer sign in; commands queued for it are dropped. Its records, alerts and history stay. This cannot be undone. Why?',
    revokeReason: 'Reason (lost, replaced, secret leaked…)',
    reasonRequired: 'Please give a reason',
    reasonTooLong: 'At most 500 characters',
    confirmRevoke: 'Revoke',
    cancel: 'Cancel',
    revokedDone: 'Device {id} revoked',
    rotateTitle: 'New secret for device {id}',
    rotatePrompt:
      'The old secret stops working at once and the device is disconnected; it must reconnect with the new one, which is shown only once. Continue?',
    confirmRotate: 'Replace secret',
    rotated: 'Device {id} has a new secret',
    newSecretFor: 'New MQTT secret (password) of device {id}',
  },
};

export const deviceSecurityMessages = { 'zh-CN': zh, en };
