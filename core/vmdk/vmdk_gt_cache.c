/* vmdk_gt_cache.c: the static cache of grain-table and grain-directory
 * blocks (VB_GT_CACHE_ENTRIES blocks of VB_GT_BLOCK_ENTRIES entries).
 *
 * VB_GT_CACHE_WAYS-way set-associative with LRU inside each set, keyed by (extent, role,
 * byte offset of the block in the extent file). Lookups are O(1), and the
 * hash spreads the consecutive tables of a sequential read over all sets,
 * so a whole-disk read never reloads a table it is still using. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

#define CACHE_SETS (VB_GT_CACHE_ENTRIES / VB_GT_CACHE_WAYS)
VB_STATIC_ASSERT(VB_GT_CACHE_ENTRIES >= VB_GT_CACHE_WAYS &&
                     VB_GT_CACHE_ENTRIES % VB_GT_CACHE_WAYS == 0,
                 "VB_GT_CACHE_ENTRIES must be a positive multiple of VB_GT_CACHE_WAYS");

static size_t set_of(unsigned extent_index, uint32_t role, uint64_t offset) {
    uint64_t h = (offset >> 9) + (uint64_t)extent_index * 0x100000001b3ull + role * 0x5bd1e995ull;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)((h >> 32) % CACHE_SETS);
}

void vmdk_cache_reset(vmdk_table_cache *cache) {
    cache->clock = 0;
    cache->hits = 0;
    cache->loads = 0;
    for (size_t i = 0; i < VB_GT_CACHE_ENTRIES; i++)
        cache->blocks[i].extent = 0;
}

vmdk_table_block *vmdk_cache_find(vmdk_table_cache *cache, unsigned extent_index, uint32_t role,
                                  uint64_t offset) {
    vmdk_table_block *set = &cache->blocks[set_of(extent_index, role, offset) * VB_GT_CACHE_WAYS];
    for (unsigned w = 0; w < VB_GT_CACHE_WAYS; w++) {
        vmdk_table_block *b = &set[w];
        if (b->extent == extent_index + 1 && b->role == role && b->offset == offset) {
            b->last_use = ++cache->clock;
            cache->hits++;
            return b;
        }
    }
    return NULL;
}

bool vmdk_cache_contains(const vmdk_table_cache *cache, unsigned extent_index, uint32_t role,
                         uint64_t offset) {
    const vmdk_table_block *set =
        &cache->blocks[set_of(extent_index, role, offset) * VB_GT_CACHE_WAYS];
    for (unsigned w = 0; w < VB_GT_CACHE_WAYS; w++)
        if (set[w].extent == extent_index + 1 && set[w].role == role && set[w].offset == offset)
            return true;
    return false;
}

vmdk_table_block *vmdk_cache_claim(vmdk_table_cache *cache, unsigned extent_index, uint32_t role,
                                   uint64_t offset) {
    vmdk_table_block *set = &cache->blocks[set_of(extent_index, role, offset) * VB_GT_CACHE_WAYS];
    vmdk_table_block *victim = &set[0];
    for (unsigned w = 0; w < VB_GT_CACHE_WAYS; w++) {
        if (set[w].extent == 0) {
            victim = &set[w];
            break;
        }
        if (set[w].last_use < victim->last_use)
            victim = &set[w];
    }
    victim->extent = extent_index + 1;
    victim->role = role;
    victim->offset = offset;
    victim->last_use = ++cache->clock;
    cache->loads++;
    return victim;
}

void vmdk_cache_drop(vmdk_table_block *block) {
    block->extent = 0;
}
