CREATE TABLE `rollups_quarter` (
	`node_id` text NOT NULL,
	`bucket` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`node_id`, `bucket`)
);
--> statement-breakpoint
CREATE INDEX `rollups_quarter_bucket_idx` ON `rollups_quarter` (`bucket`);