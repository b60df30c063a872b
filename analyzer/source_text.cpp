#include "analyzer/source_text.h"

#include <fstream>

namespace baton::analyzer {

const std::string& SourceText::line(const std::string& file, int line) {
    static const std::string kNone;
    auto [slot, fresh] = files_.try_emplace(file);
    if (fresh) {
        std::ifstream in(file);
        for (std::string text; std::getline(in, text);) {
            if (!text.empty() && text.back() == '\r') text.pop_back();
            slot->second.push_back(std::move(text));
        }
    }
    if (line < 1 || static_cast<std::size_t>(line) > slot->second.size()) return kNone;
    return slot->second[line - 1];
}

}  // namespace baton::analyzer
