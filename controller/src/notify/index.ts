export { notificationsConfig, notifyTarget, parseNotifications, TARGET_KINDS, type NotificationsConfig, type NotificationsInput, type NotifyTarget, type TargetKind } from "./config";
export { NotificationSink, type NotificationDeps, type Timers } from "./dispatcher";
export { alertMessage, digestMessage, type NotifyMessage } from "./message";
export { maskedUrl, notifyRequest, type NotifyRequest } from "./payloads";
export { NotifyError, NOTIFY_ERROR_CODES, post, type NotifyErrorCode } from "./post";
