CREATE TABLE `raw_recent_1` (
	`id` integer PRIMARY KEY NOT NULL,
	`node_id` text NOT NULL,
	`boot` text NOT NULL,
	`seq` integer NOT NULL,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL,
	`base_id` integer,
	`fmt` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
CREATE INDEX `raw_recent_1_ts_node_idx` ON `raw_recent_1` (`ts`,`node_id`);--> statement-breakpoint
CREATE TABLE `raw_recent_2` (
	`id` integer PRIMARY KEY NOT NULL,
	`node_id` text NOT NULL,
	`boot` text NOT NULL,
	`seq` integer NOT NULL,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL,
	`base_id` integer,
	`fmt` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
CREATE INDEX `raw_recent_2_ts_node_idx` ON `raw_recent_2` (`ts`,`node_id`);