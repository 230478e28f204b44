// shell/complete.cpp — interactive input: libedit, history, TAB completion.
#include <dirent.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "engine/text.hpp"
#include "kstatsql/kstatsql.h"
#include "shell/dot_commands.hpp"
#include "shell/kstat_mode.hpp"
#include "shell/repl.hpp"

#ifdef KSTATSQL_HAVE_LIBEDIT
#include <editline/readline.h>
#else
#include <iostream>
#endif

namespace kstatsql::shell {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (prefix.size() > s.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (engine::text::ascii_lower(s[i]) != engine::text::ascii_lower(prefix[i])) return false;
  }
  return true;
}

bool has_upper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), engine::text::ascii_is_upper);
}

void column_into(sqlite3* db, const char* sql, std::vector<std::string>& out) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) return;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (const unsigned char* t = sqlite3_column_text(st, 0))
      out.emplace_back(reinterpret_cast<const char*>(t));
  }
  sqlite3_finalize(st);
}

// File names that complete `typed` + `word`, `typed` being what the command's
// argument holds before the word TAB completes: each without `typed` (the
// line editor replaces only `word`), directories with a '/' after them.
std::vector<std::string> complete_path(std::string_view typed, std::string_view word) {
  const std::string path = std::string(typed) + std::string(word);
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == ".." || (name[0] == '.' && base.empty())) continue;
    if (name.compare(0, base.size(), base) != 0) continue;
    std::string full = dir + name;
    struct stat st {};
    if (::stat(full.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) full += '/';
    if (full.size() >= typed.size()) out.push_back(full.substr(typed.size()));
  }
  ::closedir(d);
  return out;
}

// True when the word being completed is a value compared with the module
// column: `module = `, `module IN (`, `module IN ('a', ` (any case).
bool after_module_operator(std::string_view before) {
  std::string b;
  for (char c : before) b += engine::text::ascii_lower(c);
  auto trim = [&] {
    while (!b.empty() && (b.back() == ' ' || b.back() == '\t')) b.pop_back();
  };
  trim();
  if (!b.empty() && b.back() == ',') {  // inside an IN list: back to its '('
    const std::size_t open = b.rfind('(');
    if (open == std::string::npos) return false;
    b.resize(open + 1);
  }
  if (b.empty()) return false;
  if (b.back() == '=') {
    b.pop_back();
    if (!b.empty() && (b.back() == '=' || b.back() == '!')) b.pop_back();
  } else if (b.back() == '(') {
    b.pop_back();
    trim();
    if (b.size() < 3 || b.compare(b.size() - 3, 3, " in") != 0) return false;
    b.resize(b.size() - 3);
  } else {
    return false;
  }
  trim();
  return b.size() >= 6 && b.compare(b.size() - 6, 6, "module") == 0 &&
         (b.size() == 6 ||
          !(std::isalnum(static_cast<unsigned char>(b[b.size() - 7])) || b[b.size() - 7] == '_'));
}

}  // namespace

bool wants_module_names(std::string_view before, std::string_view word) {
  return (!word.empty() && word[0] == '\'') || after_module_operator(before);
}

CompletionData load_completion_data(sqlite3* db, bool with_modules) {
  CompletionData d;
  column_into(db,
              "SELECT DISTINCT table_name FROM kstat_columns UNION SELECT 'kstat_columns' "
              "UNION SELECT name FROM sqlite_schema "
              "WHERE type IN ('table','view')",
              d.tables);
  column_into(db, "SELECT DISTINCT column_name FROM kstat_columns", d.columns);
  column_into(db, "SELECT DISTINCT name FROM pragma_function_list", d.functions);
  for (int i = 0; i < sqlite3_keyword_count(); ++i) {
    const char* k = nullptr;
    int n = 0;
    if (sqlite3_keyword_name(i, &k, &n) == SQLITE_OK)
      d.keywords.emplace_back(k, static_cast<std::size_t>(n));
  }
  if (with_modules) {
    column_into(db, "SELECT DISTINCT module FROM kstat ORDER BY 1", d.modules);
    d.have_modules = true;
  }
  return d;
}

std::vector<std::string> complete_word(const CompletionData& d, std::string_view before,
                                       std::string_view word) {
  std::vector<std::string> out;
  auto add_matching = [&](const auto& list, std::string_view prefix, std::string_view pre = "",
                          std::string_view post = "") {
    for (const auto& c : list) {
      std::string_view cand(c);
      if (starts_with_ci(cand, prefix)) out.push_back(fmt::format("{}{}{}", pre, cand, post));
    }
  };
  auto add_if = [&](std::string_view cand) {
    if (starts_with_ci(cand, word)) out.emplace_back(cand);
  };
  std::size_t first = before.find_first_not_of(" \t");
  bool dot =
      first != std::string_view::npos ? before[first] == '.' : (!word.empty() && word[0] == '.');
  if (dot) {
    if (first == std::string_view::npos) {
      for (const DotCommand& c : dot_commands()) add_if(std::string(".").append(c.name));
    } else {
      std::string_view name = before.substr(first + 1);
      const DotCommand* c = find_dot_command(name.substr(0, name.find_first_of(" \t")));
      unsigned what = c ? c->complete : kCompleteNothing;
      if (what & kCompleteModes) {
        for (const ModeInfo& m : output_modes()) {
          add_if(m.name);
          if (!m.alias.empty()) add_if(m.alias);
        }
      }
      if (what & kCompleteTables) add_matching(d.tables, word);
      if (what & kCompleteOnOff) {
        add_if("on");
        add_if("off");
      }
      if (what & kCompleteLive) add_if("live");
      if ((what & kCompleteFiles) && out.empty()) {
        // The argument typed so far: after the command's name and blanks.
        std::string_view arg = name.substr(std::min(name.size(), name.find_first_of(" \t")));
        arg.remove_prefix(std::min(arg.size(), arg.find_first_not_of(" \t")));
        for (std::string& f : complete_path(arg, word)) out.push_back(std::move(f));
      }
    }
  } else if (wants_module_names(before, word)) {
    add_matching(d.modules, word.empty() || word[0] != '\'' ? word : word.substr(1), "'", "'");
  } else {
    bool lower_case = !has_upper(word);
    add_matching(d.tables, word);
    add_matching(d.columns, word);
    std::size_t nfun = out.size();
    add_matching(d.functions, word);
    for (std::size_t i = nfun; i < out.size(); ++i) out[i] += '(';
    for (const std::string& k : d.keywords) {
      if (!starts_with_ci(k, word)) continue;
      std::string kw = k;
      if (lower_case) std::transform(kw.begin(), kw.end(), kw.begin(), engine::text::ascii_lower);
      out.push_back(std::move(kw));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

#ifdef KSTATSQL_HAVE_LIBEDIT
namespace {

// libedit's completion callbacks are plain functions: they reach the shell here.
Shell* g_shell = nullptr;
CompletionData g_data;
bool g_loaded = false;
std::vector<std::string> g_matches;
std::size_t g_next = 0;

char* next_match(const char*, int state) {
  if (state == 0) g_next = 0;
  if (g_next >= g_matches.size()) return nullptr;
  return strdup(g_matches[g_next++].c_str());
}

char** attempt_completion(const char* text, int start, int) {
  std::string_view word(text);
  std::string_view before(rl_line_buffer, static_cast<std::size_t>(std::max(start, 0)));
  // Completion runs queries: keep .stats describing the user's last statement.
  const Counters saved = g_shell->session().counters();
  bool want_modules = wants_module_names(before, word) ||
                      (word.empty() && !before.empty() && before.back() == '\'');
  if (!g_loaded || (want_modules && !g_data.have_modules)) {
    g_data = load_completion_data(g_shell->db(), want_modules || g_data.have_modules);
    g_loaded = true;
  }
  g_shell->session().set_counters(saved);
  // libedit hands over a lone opening quote as an empty word after it: complete
  // as if the quote were the word, and give the matches back without it.
  const bool after_quote = word.empty() && !before.empty() && before.back() == '\'';
  if (after_quote) {
    g_matches = complete_word(g_data, before.substr(0, before.size() - 1), "'");
    for (std::string& m : g_matches) m.erase(0, 1);
  } else {
    g_matches = complete_word(g_data, before, word);
  }
  rl_attempted_completion_over = 1;  // complete_word did file names itself
  if (g_matches.empty()) return nullptr;
  // A directory is completed without the blank that ends a word.
  const bool dir = g_matches.size() == 1 && g_matches[0].back() == '/';
  rl_completion_append_character = dir ? '\0' : ' ';
  return rl_completion_matches(text, next_match);
}

}  // namespace

LineReader::LineReader(Shell& shell) : shell_(shell) {
  g_shell = &shell;
  g_loaded = false;
  const char* env = std::getenv("KSTATSQL_HISTORY");
  const char* home = std::getenv("HOME");
  if (env && *env) {
    history_ = env;
  } else if (home && *home) {
    history_ = std::string(home) + "/.kstatsql_history";
  }
  rl_readline_name = "kstatsql";
  static char breaks[] = " \t\n(),;=<>+-*/|";
  rl_completer_word_break_characters = breaks;
  rl_basic_word_break_characters = breaks;
  rl_attempted_completion_function = attempt_completion;
  using_history();
  stifle_history(2000);
  if (!history_.empty()) read_history(history_.c_str());
}

LineReader::~LineReader() {
  if (!history_.empty()) write_history(history_.c_str());
  rl_attempted_completion_function = nullptr;
  g_shell = nullptr;
}

void LineReader::invalidate() {
  g_loaded = false;
}

std::optional<std::string> LineReader::read(const std::string& prompt) {
  char* line = readline(prompt.c_str());
  if (!line) return std::nullopt;
  std::string s(line);
  std::free(line);
  if (s.find_first_not_of(" \t") != std::string::npos) {
    HIST_ENTRY* last =
        history_length > 0 ? history_get(history_base + history_length - 1) : nullptr;
    if (!last || !last->line || s != last->line) add_history(s.c_str());
  }
  return s;
}
#else
LineReader::LineReader(Shell& shell) : shell_(shell) {}
LineReader::~LineReader() = default;
void LineReader::invalidate() {}
std::optional<std::string> LineReader::read(const std::string& prompt) {
  std::fputs(prompt.c_str(), stdout);
  std::fflush(stdout);
  std::string s;
  if (!std::getline(std::cin, s)) return std::nullopt;
  return s;
}
#endif

void Shell::run_interactive() {
  std::string desc;
  try {
    desc = session_.source_description();
  } catch (const std::exception& e) {
    desc = std::string("unavailable: ") + e.what();
  }
  write(fmt::format("kstatsql {} (SQLite {}), source: {}\nEnter \".help\" for usage hints.\n",
                    KSTATSQL_VERSION, sqlite3_libversion(), desc));
  std::fflush(out_);
  reader_ = std::make_unique<LineReader>(*this);
  int lineno = 0;
  while (!quit_) {
    clear_stop();
    auto line = reader_->read(statement_pending() || !pending_kql_.empty() ? "   ...> "
                              : kql_mode_                                  ? "kql> "
                                                                           : "kstatsql> ");
    if (!line && stop_requested()) {  // Ctrl-C at the prompt: drop the line, go on
      pending_.clear();
      write("\n");
      std::fflush(out_);
      continue;
    }
    if (!line) {
      write("\n");
      break;
    }
    // Lines are counted per statement: an error names the line of what was
    // just typed, not of the whole session.
    if (!statement_pending() && pending_kql_.empty()) lineno = 0;
    feed_line(*line, ++lineno, "");
  }
  reader_.reset();
}

}  // namespace kstatsql::shell
