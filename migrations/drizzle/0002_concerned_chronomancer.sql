CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`subject` text NOT NULL,
	`node` text,
	`severity` text NOT NULL,
	`state` text NOT NULL,
	`opened_at` integer NOT NULL,
	`resolved_at` integer,
	`updated_at` integer NOT NULL,
	`summary` text NOT NULL,
	`evidence` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alerts_code_subject_state_idx` ON `alerts` (`code`,`subject`,`state`);--> statement-breakpoint
CREATE INDEX `alerts_state_opened_idx` ON `alerts` (`state`,`opened_at`);--> statement-breakpoint
CREATE INDEX `alerts_node_idx` ON `alerts` (`node`,`opened_at`);--> statement-breakpoint
CREATE TABLE `churn_scores` (
	`subject` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`node` text NOT NULL,
	`link` text,
	`score` real NOT NULL,
	`ts` integer NOT NULL,
	`flapping` integer NOT NULL,
	`history` text NOT NULL,
	`event_ids` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `churn_scores_node_idx` ON `churn_scores` (`node`);--> statement-breakpoint
CREATE TABLE `convergence_incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`start_ts` integer NOT NULL,
	`end_ts` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`nodes` text NOT NULL,
	`trigger` text NOT NULL,
	`event_ids` text NOT NULL,
	`changes` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `convergence_incidents_start_idx` ON `convergence_incidents` (`start_ts`);--> statement-breakpoint
CREATE TABLE `detect_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`node` text NOT NULL,
	`code` text NOT NULL,
	`subject` text NOT NULL,
	`before` text,
	`after` text,
	`data` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `detect_events_ts_idx` ON `detect_events` (`ts`);--> statement-breakpoint
CREATE INDEX `detect_events_node_ts_idx` ON `detect_events` (`node`,`ts`);--> statement-breakpoint
CREATE INDEX `detect_events_code_ts_idx` ON `detect_events` (`code`,`ts`);--> statement-breakpoint
CREATE INDEX `detect_events_subject_ts_idx` ON `detect_events` (`subject`,`ts`);--> statement-breakpoint
CREATE TABLE `detect_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
