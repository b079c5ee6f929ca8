CREATE TABLE `diag_audit` (
	`id` text PRIMARY KEY NOT NULL,
	`node` text NOT NULL,
	`kind` text NOT NULL,
	`args` text NOT NULL,
	`who` text NOT NULL,
	`requested_at` integer NOT NULL,
	`finished_at` integer,
	`result` text NOT NULL,
	`exit_code` integer,
	`argv` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `diag_audit_node_idx` ON `diag_audit` (`node`,`requested_at`);--> statement-breakpoint
CREATE INDEX `diag_audit_requested_idx` ON `diag_audit` (`requested_at`);