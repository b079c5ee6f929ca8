CREATE TABLE `raw_recent` (
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
CREATE INDEX `raw_recent_ts_node_idx` ON `raw_recent` (`ts`,`node_id`);--> statement-breakpoint
INSERT INTO `raw_recent` (`id`, `node_id`, `boot`, `seq`, `ts`, `received_at`, `base_id`, `fmt`, `data`) SELECT `id`, `node_id`, `boot`, `seq`, `ts`, `received_at`, NULL, `fmt`, `data` FROM `raw_snapshots`;--> statement-breakpoint
DELETE FROM `raw_snapshots`;
