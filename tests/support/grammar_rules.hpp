// tests/support/grammar_rules.hpp — table-driven checks of single PEGTL rules,
// shared by the grammar tests (tests/grammar/*_test.cpp).
#pragma once

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string_view>
#include <tao/pegtl.hpp>

namespace kstatsql::test {

// True when Rule matches the whole of `text` (a global failure counts as no).
template <typename Rule>
bool whole(std::string_view text) {
  tao::pegtl::memory_input in(text.data(), text.size(), "test");
  try {
    return tao::pegtl::parse<tao::pegtl::seq<Rule, tao::pegtl::eof>>(in);
  } catch (const tao::pegtl::parse_error&) {
    return false;
  }
}

// One input and whether Rule must accept all of it.
struct RuleCase {
  const char* text;
  bool ok;
};

// CHECKs every case, naming the input on failure.
template <typename Rule>
void check_rule(std::initializer_list<RuleCase> cases) {
  for (const RuleCase& c : cases) {
    INFO("input: '" << c.text << "'");
    CHECK(whole<Rule>(c.text) == c.ok);
  }
}

}  // namespace kstatsql::test
