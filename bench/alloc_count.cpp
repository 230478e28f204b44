// bench/alloc_count.cpp — malloc / operator new interposition for the bench
// (see alloc_count.hpp). Compiled with -fno-builtin so the compiler does not
// treat our own malloc as the builtin and fold calls. The interposition is
// only compiled where CMake found glibc's __libc_malloc and no sanitizer owns
// malloc (KSTATSQL_BENCH_INTERPOSE=1); elsewhere only SQLite's count works.
#include "bench/alloc_count.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <new>

#if KSTATSQL_BENCH_INTERPOSE
#include <malloc.h>

extern "C" {
void* __libc_malloc(std::size_t n);
void* __libc_calloc(std::size_t n, std::size_t m);
void* __libc_realloc(void* p, std::size_t n);
void __libc_free(void* p);
void* __libc_memalign(std::size_t align, std::size_t n);
}
#endif

namespace {

std::atomic<std::uint64_t> g_calls{0};
std::atomic<std::uint64_t> g_new{0};
std::atomic<std::uint64_t> g_sqlite{0};
std::atomic<std::int64_t> g_live{0};

sqlite3_mem_methods g_sqlite_default;

void* sqlite_malloc(int n) {
  g_sqlite.fetch_add(1, std::memory_order_relaxed);
  return g_sqlite_default.xMalloc(n);
}
void* sqlite_realloc(void* p, int n) {
  g_sqlite.fetch_add(1, std::memory_order_relaxed);
  return g_sqlite_default.xRealloc(p, n);
}
void sqlite_free(void* p) {
  g_sqlite_default.xFree(p);
}
int sqlite_size(void* p) {
  return g_sqlite_default.xSize(p);
}
int sqlite_roundup(int n) {
  return g_sqlite_default.xRoundup(n);
}
int sqlite_init(void* app) {
  return g_sqlite_default.xInit(app);
}
void sqlite_shutdown(void* app) {
  g_sqlite_default.xShutdown(app);
}

#if KSTATSQL_BENCH_INTERPOSE
inline void* note(void* p) noexcept {
  if (p)
    g_live.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  return p;
}

inline void forget(void* p) noexcept {
  if (p)
    g_live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
}

void* cxx_new(std::size_t n) {
  g_new.fetch_add(1, std::memory_order_relaxed);
  void* p = malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  return p;
}

void* cxx_new_aligned(std::size_t n, std::align_val_t al) {
  g_new.fetch_add(1, std::memory_order_relaxed);
  void* p = memalign(static_cast<std::size_t>(al), n ? n : 1);
  if (!p) throw std::bad_alloc();
  return p;
}
#endif  // KSTATSQL_BENCH_INTERPOSE

}  // namespace

#if KSTATSQL_BENCH_INTERPOSE
extern "C" {

void* malloc(std::size_t n) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  return note(__libc_malloc(n));
}

void* calloc(std::size_t n, std::size_t m) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  return note(__libc_calloc(n, m));
}

void* realloc(void* p, std::size_t n) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  forget(p);
  return note(__libc_realloc(p, n));
}

void free(void* p) {
  forget(p);
  __libc_free(p);
}

void* memalign(std::size_t align, std::size_t n) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  return note(__libc_memalign(align, n));
}

void* aligned_alloc(std::size_t align, std::size_t n) {
  return memalign(align, n);
}

int posix_memalign(void** out, std::size_t align, std::size_t n) {
  if (align < sizeof(void*) || (align & (align - 1)) != 0) return EINVAL;
  void* p = memalign(align, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

}  // extern "C"

void* operator new(std::size_t n) {
  return cxx_new(n);
}
void* operator new[](std::size_t n) {
  return cxx_new(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_new.fetch_add(1, std::memory_order_relaxed);
  return malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  g_new.fetch_add(1, std::memory_order_relaxed);
  return malloc(n ? n : 1);
}
void* operator new(std::size_t n, std::align_val_t al) {
  return cxx_new_aligned(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al) {
  return cxx_new_aligned(n, al);
}
void operator delete(void* p) noexcept {
  free(p);
}
void operator delete[](void* p) noexcept {
  free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  free(p);
}

#endif  // KSTATSQL_BENCH_INTERPOSE

namespace kstatsql::bench {

bool alloc_counting_available() noexcept {
  return KSTATSQL_BENCH_INTERPOSE != 0;
}

AllocCounts alloc_snapshot() noexcept {
  return {g_calls.load(std::memory_order_relaxed), g_new.load(std::memory_order_relaxed),
          g_sqlite.load(std::memory_order_relaxed), g_live.load(std::memory_order_relaxed)};
}

bool install_sqlite_counter() noexcept {
  if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_sqlite_default) != SQLITE_OK) return false;
  sqlite3_mem_methods m = g_sqlite_default;
  m.xMalloc = sqlite_malloc;
  m.xRealloc = sqlite_realloc;
  m.xFree = sqlite_free;
  m.xSize = sqlite_size;
  m.xRoundup = sqlite_roundup;
  m.xInit = sqlite_init;
  m.xShutdown = sqlite_shutdown;
  return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK;
}

}  // namespace kstatsql::bench
