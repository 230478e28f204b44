#include <catch2/catch.hpp>

#include "engine/arena.hpp"

using kstatsql::engine::Arena;

TEST_CASE("arena keeps bytes in place and aligned", "[engine]") {
  Arena a(128);
  std::string_view first = a.copy("hello");
  const char* where = first.data();
  std::vector<std::string_view> many;
  for (int i = 0; i < 1000; ++i) many.push_back(a.copy(std::to_string(i)));
  CHECK(first == "hello");
  CHECK(first.data() == where);
  CHECK(first.data()[5] == '\0');
  for (int i = 0; i < 1000; ++i) CHECK(many[i] == std::to_string(i));
  auto* d = a.make_array<double>(3);
  CHECK(reinterpret_cast<std::uintptr_t>(d) % alignof(double) == 0);
  auto* big = static_cast<char*>(a.allocate(4096, 8));  // larger than a block
  big[4095] = 'x';
  CHECK(a.bytes_used() >= 4096);
  CHECK(a.bytes_reserved() >= a.bytes_used());
}
