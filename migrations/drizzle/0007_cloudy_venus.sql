CREATE TABLE `raw_blocks` (
	`node_id` text NOT NULL,
	`start` integer NOT NULL,
	`fmt` integer NOT NULL,
	`rows` integer NOT NULL,
	`min_id` integer NOT NULL,
	`max_id` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`node_id`, `start`)
);
--> statement-breakpoint
CREATE INDEX `raw_blocks_start_idx` ON `raw_blocks` (`start`);