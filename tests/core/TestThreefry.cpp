#include "ensemble/Threefry.h"

#include <QtTest/QtTest>

using namespace spreadcast;

namespace {

// An independent, fully unrolled transcription of JAX's _threefry2x32_lowering (jax/_src/prng.py):
// the rounds written out group by group, as the reference the loop in Threefry.cpp must match.
RandomKey referenceThreefry(RandomKey key, RandomKey count)
{
    auto rotateLeft = [](std::uint32_t v, int d) { return (v << d) | (v >> (32 - d)); };
    auto round = [&](std::uint32_t& a, std::uint32_t& b, int r) {
        a += b;
        b = rotateLeft(b, r);
        b ^= a;
    };
    const std::uint32_t ks0 = key[0], ks1 = key[1], ks2 = key[0] ^ key[1] ^ 0x1BD11BDAu;
    std::uint32_t x0 = count[0] + ks0, x1 = count[1] + ks1;
    for (int r : {13, 15, 26, 6})
        round(x0, x1, r);
    x0 += ks1;
    x1 += ks2 + 1u;
    for (int r : {17, 29, 16, 24})
        round(x0, x1, r);
    x0 += ks2;
    x1 += ks0 + 2u;
    for (int r : {13, 15, 26, 6})
        round(x0, x1, r);
    x0 += ks0;
    x1 += ks1 + 3u;
    for (int r : {17, 29, 16, 24})
        round(x0, x1, r);
    x0 += ks1;
    x1 += ks2 + 4u;
    for (int r : {13, 15, 26, 6})
        round(x0, x1, r);
    x0 += ks2;
    x1 += ks0 + 5u;
    return {x0, x1};
}

}  // namespace

class TestThreefry : public QObject {
    Q_OBJECT

private slots:
    void random123KnownAnswers_data()
    {
        // Random123 1.09, examples/kat_vectors: "threefry2x32 20 ctr0 ctr1 key0 key1 out0 out1".
        QTest::addColumn<quint32>("key0");
        QTest::addColumn<quint32>("key1");
        QTest::addColumn<quint32>("counter0");
        QTest::addColumn<quint32>("counter1");
        QTest::addColumn<quint32>("out0");
        QTest::addColumn<quint32>("out1");
        QTest::newRow("zeros") << 0u << 0u << 0u << 0u << 0x6b200159u << 0x99ba4efeu;
        QTest::newRow("ones") << 0xffffffffu << 0xffffffffu << 0xffffffffu << 0xffffffffu << 0x1cb996fcu << 0xbb002be7u;
        QTest::newRow("pi") << 0x13198a2eu << 0x03707344u << 0x243f6a88u << 0x85a308d3u << 0xc4923a9cu << 0x483df7a0u;
    }
    void random123KnownAnswers()
    {
        QFETCH(quint32, key0);
        QFETCH(quint32, key1);
        QFETCH(quint32, counter0);
        QFETCH(quint32, counter1);
        QFETCH(quint32, out0);
        QFETCH(quint32, out1);
        const RandomKey result = threefry2x32({key0, key1}, {counter0, counter1});
        QCOMPARE(result[0], out0);
        QCOMPARE(result[1], out1);
    }

    void jaxClassicSplitOfKeyZero()
    {
        // jax.random.split(PRNGKey(0)) with jax_threefry_partitionable off (JAX < 0.5) printed
        // [[4146024105, 967050713], [2718843009, 1272950319]]: the counters 0…3 went in as
        // x0 = (0, 1), x1 = (2, 3), and the words came out in the same layout.
        const RandomKey first = threefry2x32({0, 0}, {0, 2});
        const RandomKey second = threefry2x32({0, 0}, {1, 3});
        QCOMPARE(first[0], 4146024105u);
        QCOMPARE(second[0], 967050713u);
        QCOMPARE(first[1], 2718843009u);
        QCOMPARE(second[1], 1272950319u);
    }

    void memberKeysMatchJaxSplit()
    {
        // With jax_threefry_partitionable (JAX's default since 0.5), split(key, n)[i] is
        // threefry(key, (0, i)) = fold_in(key, i). The JAX documentation prints
        // split(PRNGKey(0)) as [[1797259609 2579123966] [928981903 3453687069]] and
        // split(key(42)) as [[1832780943 270669613] [64467757 2916123636]].
        QCOMPARE(memberKey(0, 0), (RandomKey{1797259609u, 2579123966u}));
        QCOMPARE(memberKey(0, 1), (RandomKey{928981903u, 3453687069u}));
        QCOMPARE(memberKey(42, 0), (RandomKey{1832780943u, 270669613u}));
        QCOMPARE(memberKey(42, 1), (RandomKey{64467757u, 2916123636u}));
    }

    void loopMatchesTheUnrolledSchedule()
    {
        std::uint32_t state = 12345;
        auto next = [&] {
            state = state * 1664525u + 1013904223u;
            return state;
        };
        for (int i = 0; i < 1000; ++i) {
            const RandomKey key{next(), next()};
            const RandomKey count{next(), next()};
            QCOMPARE(threefry2x32(key, count), referenceThreefry(key, count));
        }
    }

    void prngKeySplitsTheSeedIntoHighAndLowWords()
    {
        QCOMPARE(prngKey(0), (RandomKey{0, 0}));
        QCOMPARE(prngKey(42), (RandomKey{0, 42}));
        QCOMPARE(prngKey(0x123456789abcdef0ull), (RandomKey{0x12345678u, 0x9abcdef0u}));
    }

    void memberKeysAreFoldInOfTheSeedKey()
    {
        // fold_in(key, d) hashes the counter (0, d) under the key (jax/_src/prng.py,
        // threefry_fold_in → threefry_2x32(key, threefry_seed(uint32(d)))).
        for (std::uint64_t seed : {0ull, 7ull, 0xfedcba9876543210ull}) {
            for (std::uint32_t member = 0; member < 64; ++member) {
                QCOMPARE(memberKey(seed, member), referenceThreefry(prngKey(seed), {0u, member}));
            }
        }
        // Different members, different keys; a member's key ignores how many members there are.
        QVERIFY(memberKey(0, 0) != memberKey(0, 1));
        QVERIFY(memberKey(0, 1) != memberKey(1, 1));
    }
};

QTEST_APPLESS_MAIN(TestThreefry)
#include "TestThreefry.moc"
