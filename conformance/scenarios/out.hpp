// What the C++ twins share with conformance/src/main/java/kstreamsim/conformance/Out.java: how a string is quoted.
#pragma once

#include <cstdio>
#include <string>

inline std::string quote(const std::string& s) {
    std::string q = "\"";
    for (unsigned char c : s) {
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            q += buf;
        } else {
            q += static_cast<char>(c);
        }
    }
    return q + "\"";
}
