CREATE TABLE `wire_keyframes` (
	`node_id` text NOT NULL,
	`boot` text NOT NULL,
	`seq` integer NOT NULL,
	`stream_seq` integer NOT NULL,
	`subject` text NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`node_id`, `boot`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `wire_keyframes_stream_idx` ON `wire_keyframes` (`stream_seq`);