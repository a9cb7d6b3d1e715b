// Memory for record batches: taken from the operating system in big chunks, its pages made present at once.
//
// A producer's batch buffer becomes, unchanged, the batch the partition log keeps, so a run that produces
// 2,000,000 records keeps some 230 MB of them. Taken from the heap, every fresh 4 KiB page of it costs a page
// fault on its first write (about 2 microseconds here: half the produce benchmark's time). A ByteArena maps
// chunks of 256 KiB, doubling up to 8 MiB, with the pages populated in one system call (Linux's MAP_POPULATE:
// the kernel still zeroes each page, but without a fault per page), and hands out consecutive pieces of them.
// This is what Kafka's log.preallocate does for a segment file, for the simulator's memory.
//
// A chunk counts the buffers in it (and the arena, while it is the one being filled) and is unmapped when the
// last of them goes, so buffers may outlive the arena (a StoredBatch copied out of a partition log and kept
// after its Cluster is gone). The count is atomic, as separate simulations may run in separate threads and
// hand buffers across (the compiler's atomic builtins: <atomic> would cost every includer compile time).
//
// Elsewhere than Linux, and under AddressSanitizer (which must see each buffer's bounds), allocate() says no
// and the buffer comes from the heap as before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KSTREAM_SIM_ARENA_DISABLED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || !defined(__linux__)
#define KSTREAM_SIM_ARENA_DISABLED 1
#endif
#ifndef KSTREAM_SIM_ARENA_DISABLED
#include <sys/mman.h>
#endif

namespace kstream_sim {
namespace detail {

// The head of a mapped chunk; the pieces handed out follow it.
class ArenaChunk {
public:
#ifndef KSTREAM_SIM_ARENA_DISABLED
    void retain() noexcept { __atomic_fetch_add(&references_, 1, __ATOMIC_RELAXED); }
    void release() noexcept {
        if (__atomic_fetch_sub(&references_, 1, __ATOMIC_ACQ_REL) == 1) munmap(static_cast<void*>(this), size_);
    }
    uint32_t references() const noexcept { return __atomic_load_n(&references_, __ATOMIC_RELAXED); }
#else  // no chunk is ever made
    void retain() noexcept {}
    void release() noexcept {}
    uint32_t references() const noexcept { return references_; }
#endif

private:
    friend class ByteArena;
    explicit ArenaChunk(size_t size) noexcept : size_(size) {}

    uint32_t references_ = 1;  // the arena's own, while it fills this chunk
    size_t size_;
};

class ByteArena {
public:
    static constexpr size_t kFirstChunk = size_t{256} << 10;
    static constexpr size_t kLargestChunk = size_t{8} << 20;

    ByteArena() = default;
    ByteArena(const ByteArena&) = delete;
    ByteArena& operator=(const ByteArena&) = delete;
    ~ByteArena() {
        if (current_) current_->release();
    }

    // n bytes (64-byte aligned) in the current chunk, or in a new one; `chunk` is then the chunk, retained for
    // the caller, who releases it when done. nullptr when the arena cannot help (a piece larger than a chunk,
    // no mapping to be had, or arenas disabled): the caller then uses the heap.
    uint8_t* allocate(size_t n, ArenaChunk*& chunk) noexcept {
        n = (n + kAlign - 1) & ~(kAlign - 1);
        if (n > kLargestChunk - kHead) return nullptr;
        if (!current_ || used_ + n > current_->size_) {
            if (!mapChunk(n)) return nullptr;
        }
        uint8_t* at = reinterpret_cast<uint8_t*>(current_) + used_;
        used_ += n;
        current_->retain();
        chunk = current_;
        return at;
    }

private:
    static constexpr size_t kAlign = 64;
    static constexpr size_t kHead = (sizeof(ArenaChunk) + kAlign - 1) & ~(kAlign - 1);

    bool mapChunk(size_t n) noexcept {
#ifdef KSTREAM_SIM_ARENA_DISABLED
        (void)n;
        return false;
#else
        size_t size = next_size_;
        while (size < kHead + n) size *= 2;
        void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (p == MAP_FAILED) return false;
        if (current_) current_->release();
        current_ = new (p) ArenaChunk(size);
        used_ = kHead;
        if (next_size_ < kLargestChunk) next_size_ *= 2;
        return true;
#endif
    }

    ArenaChunk* current_ = nullptr;
    size_t used_ = 0;
    size_t next_size_ = kFirstChunk;
};

}  // namespace detail
}  // namespace kstream_sim
