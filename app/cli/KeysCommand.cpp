#include "Commands.h"

#include "ensemble/Threefry.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace spreadcast::cli {
namespace {

struct KeysOptions {
    std::uint64_t seed = 0;
    int members = 1;
    bool json = false;
};

// The member keys as `print(jax.random.key_data(keys))` shows an (N, 2) uint32 array: numpy's
// layout, every number right-aligned to the widest.
std::string numpyStyle(const std::vector<RandomKey>& keys)
{
    std::size_t width = 1;
    for (const auto& key : keys) {
        width = std::max({width, std::to_string(key[0]).size(), std::to_string(key[1]).size()});
    }
    auto pad = [width](std::uint32_t value) {
        const std::string text = std::to_string(value);
        return std::string(width - text.size(), ' ') + text;
    };
    std::string out = "[";
    for (std::size_t m = 0; m < keys.size(); ++m) {
        out += (m ? "\n [" : "[") + pad(keys[m][0]) + " " + pad(keys[m][1]) + "]";
    }
    return out + "]";
}

}  // namespace

void addKeysCommand(CLI::App& app)
{
    auto options = std::make_shared<KeysOptions>();
    CLI::App* keys = app.add_subcommand(
        "keys", "Print the members' random keys, fold_in(PRNGKey(seed), member), as jax.random.key_data prints them");
    keys->add_option("--seed", options->seed, "Seed of the run")->capture_default_str();
    keys->add_option("-n,--members", options->members, "Number of members")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    keys->add_flag("--json", options->json, "Print JSON: one {member, key} object per member");
    keys->callback([options] {
        std::vector<RandomKey> memberKeys;
        for (int m = 0; m < options->members; ++m) {
            memberKeys.push_back(memberKey(options->seed, static_cast<std::uint32_t>(m)));
        }
        if (options->json) {
            nlohmann::json list = nlohmann::json::array();
            for (std::size_t m = 0; m < memberKeys.size(); ++m) {
                list.push_back({{"member", m}, {"key", {memberKeys[m][0], memberKeys[m][1]}}});
            }
            std::cout << nlohmann::json{{"seed", options->seed}, {"keys", list}}.dump(2) << "\n";
        } else {
            std::cout << numpyStyle(memberKeys) << "\n";
        }
    });
}

}  // namespace spreadcast::cli
