CREATE TABLE `rollups_minute_hours` (
	`node_id` text NOT NULL,
	`bucket` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`node_id`, `bucket`)
);
--> statement-breakpoint
CREATE INDEX `rollups_minute_hours_bucket_idx` ON `rollups_minute_hours` (`bucket`);