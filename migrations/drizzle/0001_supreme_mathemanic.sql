CREATE TABLE `job_nodes` (
	`job_id` text NOT NULL,
	`node_id` text NOT NULL,
	`position` integer NOT NULL,
	`batch` integer NOT NULL,
	`state` text NOT NULL,
	`ops` text NOT NULL,
	`reloads` text NOT NULL,
	`basis` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`first_sent_at` integer,
	`last_sent_at` integer,
	`received_at` integer,
	`applied_at` integer,
	`finished_at` integer,
	`last_status_at` integer,
	`reason` text,
	`step` text,
	PRIMARY KEY(`job_id`, `node_id`),
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_nodes_node_state_idx` ON `job_nodes` (`node_id`,`state`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`description` text NOT NULL,
	`template` text NOT NULL,
	`params` text NOT NULL,
	`target` text NOT NULL,
	`verify` text NOT NULL,
	`expires_at` integer NOT NULL,
	`status` text NOT NULL,
	`rollout` text NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_status_idx` ON `jobs` (`status`);--> statement-breakpoint
CREATE INDEX `jobs_created_idx` ON `jobs` (`created_at`);--> statement-breakpoint
CREATE TABLE `node_wireless` (
	`node_id` text PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`config` text NOT NULL
);
