CREATE TABLE `alert_silences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`node` text,
	`code` text,
	`subject` text,
	`from_ts` integer NOT NULL,
	`until_ts` integer NOT NULL,
	`reason` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_silences_until_idx` ON `alert_silences` (`until_ts`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `text` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `ack_by` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `ack_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `silenced_by` integer;