// engine/sources/kss/map_guard.cpp — the SIGBUS handler behind MapGuard.
//
// The registry is a fixed array of atomics so that the handler reads it
// without locks or allocation (async-signal-safe); mmap(2) in the handler is a
// plain system call.
#include "engine/sources/kss/map_guard.hpp"

#include "engine/source.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>

namespace kstatsql::engine::kss {

namespace {

struct Slot {
  std::atomic<std::uintptr_t> base{0};
  std::atomic<std::size_t> size{0};
  std::atomic<bool> faulted{false};
};

Slot g_slots[MapGuard::kMaxGuards];
constexpr std::uintptr_t kClaimed = 1;  // a slot being filled in: not yet a mapping
struct sigaction g_previous {};
std::uintptr_t g_page = 4096;  // set before the handler is installed

void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (Slot& s : g_slots) {
    const std::uintptr_t base = s.base.load(std::memory_order_acquire);
    const std::size_t size = s.size.load(std::memory_order_acquire);
    if (base <= kClaimed || addr < base || addr - base >= size) continue;
    const std::uintptr_t from = addr / g_page * g_page;
    void* m = ::mmap(reinterpret_cast<void*>(from), base + size - from, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (m == MAP_FAILED) break;  // cannot repair: fall through to the previous action
    s.faulted.store(true, std::memory_order_release);
    Source::damage_epoch().fetch_add(1, std::memory_order_acq_rel);
    return;  // the faulting access is retried and reads zeros
  }
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction != nullptr) {
      g_previous.sa_sigaction(sig, info, context);
      return;
    }
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
    return;
  }
  // Default action: restore it; returning retries the access, which faults again.
  ::signal(SIGBUS, SIG_DFL);
}

void install_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    (void)::sigaction(SIGBUS, &sa, &g_previous);
  });
}

}  // namespace

MapGuard::MapGuard(const std::byte* base, std::size_t size) noexcept {
  if (base == nullptr || size == 0) return;
  install_once();
  for (int i = 0; i < kMaxGuards; ++i) {
    Slot& s = g_slots[i];
    std::uintptr_t expected = 0;
    // Claim a free slot, fill it in, then publish the base the handler matches.
    if (!s.base.compare_exchange_strong(expected, kClaimed, std::memory_order_acq_rel)) continue;
    s.size.store(size, std::memory_order_release);
    s.faulted.store(false, std::memory_order_release);
    s.base.store(reinterpret_cast<std::uintptr_t>(base), std::memory_order_release);
    slot_ = i;
    return;
  }
}

MapGuard::~MapGuard() {
  if (slot_ >= 0) g_slots[slot_].base.store(0, std::memory_order_release);
}

void MapGuard::mark() noexcept {
  if (slot_ < 0) return;
  g_slots[slot_].faulted.store(true, std::memory_order_release);
  Source::damage_epoch().fetch_add(1, std::memory_order_acq_rel);
}

bool MapGuard::faulted() const noexcept {
  return slot_ >= 0 && g_slots[slot_].faulted.load(std::memory_order_acquire);
}

}  // namespace kstatsql::engine::kss
