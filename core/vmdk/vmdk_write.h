/* vmdk_write.h: the public API of the VMDK writer.
 *
 * A disk opened with vmdk_open_options.writable takes writes into its top
 * link: flat extents in place, hosted sparse (KDMV) extents by grain
 * allocation at the end of the extent file. Parents are never written.
 * RDONLY, NOACCESS, COWD and streamOptimized extents, non-zero data over a
 * ZERO extent and offsets past the capacity are refused before any byte is
 * written.
 *
 * Crash safety: a new grain's data is written and flushed before the grain
 * table entries that point at it (and a new grain table before the
 * directory entry), so after a crash at any moment the image opens and
 * checks clean (it may leak grains), every write that returned before the
 * last successful vmdk_flush reads back, and a grain being written reads
 * back old or new. The first write after open gives the descriptor a new
 * CID and sets the uncleanShutdown byte; vmdk_close_flush clears it.
 *
 * The writer borrows its buffers (one grain for read-modify-write, a grain
 * table, the pending table updates) from options.memory on the first
 * write; vmdk_close gives them back. The loader does not link this code. */
#ifndef VB_VMDK_WRITE_H
#define VB_VMDK_WRITE_H

#include "vmdk/vmdk.h"

/* Writes len bytes at byte offset of the disk. Returns 0 or a negative
 * vb_err with the detail in vmdk_detail. A refusal writes nothing; a
 * failure after the checks (I/O) is sticky: later writes and flushes fail
 * too. */
int vmdk_write(vmdk_disk *disk, uint64_t offset, const void *buf, size_t len);

/* Makes every write that returned before it durable (flushes every file of
 * the top link). */
int vmdk_flush(vmdk_disk *disk);

/* Flushes, clears the uncleanShutdown byte, flushes again and closes the
 * disk (always closed, also on failure). Returns the first failure. For a
 * disk that was not written, the same as vmdk_close. */
int vmdk_close_flush(vmdk_disk *disk);

#endif
