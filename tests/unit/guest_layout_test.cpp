// plan_layout: where image, boot data, heap, guard gap and stack go inside
// the guest's memory, and the error when --mem is too small.
#include "cli.hpp"
#include "guest_memory.hpp"
#include "test_support.hpp"

#include <charconv>

namespace nabla {
namespace {

using test::contains;

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;
constexpr uint64_t pie_mem_start = 0x7f1234560000; // anywhere ASLR could put it

ElfImage image_of(uint64_t start, uint64_t bytes, bool pie = true) {
    ElfImage image;
    image.pie = pie;
    image.image_start = start;
    image.image_end = start + bytes;
    return image;
}

void expect_ordered(const GuestLayout& l) {
    EXPECT_LE(l.mem_start, l.boot_start);
    EXPECT_LT(l.boot_start, l.heap_start);
    EXPECT_LT(l.heap_start, l.heap_end);
    EXPECT_LT(l.heap_end, l.stack_low);
    EXPECT_LT(l.stack_low, l.stack_top);
    EXPECT_EQ(l.stack_top, l.mem_end);
    EXPECT_EQ(l.stack_low - l.heap_end, stack_guard_gap);
    EXPECT_EQ(stack_guard_gap, 64 * KiB);
    EXPECT_EQ(l.heap_start % page_size, 0u);
    EXPECT_EQ(l.stack_low % page_size, 0u);
    EXPECT_GE(l.heap_end - l.heap_start, min_heap);
}

TEST(PlanLayout, StaticPieIsPlacedAtTheStartOfMemory) {
    auto image = image_of(0, 0x5000);
    auto l = plan_layout(image, pie_mem_start, 64 * MiB, 0x1800);
    ASSERT_TRUE(l) << l.error().message;
    expect_ordered(*l);
    EXPECT_EQ(l->bias, pie_mem_start);
    EXPECT_EQ(l->mem_start, pie_mem_start);
    EXPECT_EQ(l->mem_end, pie_mem_start + 64 * MiB);
    EXPECT_EQ(l->boot_start, pie_mem_start + 0x5000);   // right after the image
    EXPECT_EQ(l->heap_start, pie_mem_start + 0x7000);   // boot data rounded to a page
    EXPECT_EQ(l->stack_low, l->mem_end - 8 * MiB);
    EXPECT_EQ(l->heap_end, l->stack_low - 64 * KiB);
}

TEST(PlanLayout, EtExecHasNoBias) {
    auto image = image_of(0x400000, 0x3000, false);
    auto l = plan_layout(image, 0x400000, 16 * MiB, 100);
    ASSERT_TRUE(l) << l.error().message;
    expect_ordered(*l);
    EXPECT_EQ(l->bias, 0u);
    EXPECT_EQ(l->boot_start, 0x403000u);
    EXPECT_EQ(l->heap_start, 0x404000u);
    EXPECT_EQ(l->stack_low, 0x400000 + 16 * MiB - 2 * MiB);
}

TEST(PlanLayout, LinkAddressNotAtZeroIsRebased) {
    auto image = image_of(0x10000, 0x2000);
    auto l = plan_layout(image, pie_mem_start, 32 * MiB, 0x1000);
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(l->bias, pie_mem_start - 0x10000);
    EXPECT_EQ(l->boot_start, pie_mem_start + 0x2000);
}

TEST(PlanLayout, StackSizeIsAnEighthClampedTo256KiBAnd8MiB) {
    EXPECT_EQ(stack_size_for(1 * MiB), 256 * KiB);
    EXPECT_EQ(stack_size_for(2 * MiB), 256 * KiB);
    EXPECT_EQ(stack_size_for(4 * MiB), 512 * KiB);
    EXPECT_EQ(stack_size_for(16 * MiB), 2 * MiB);
    EXPECT_EQ(stack_size_for(64 * MiB), 8 * MiB);
    EXPECT_EQ(stack_size_for(uint64_t{1} << 40), 8 * MiB);
    for (uint64_t mem : {4 * MiB, 10 * MiB, 512 * MiB}) {
        auto l = plan_layout(image_of(0, 0x5000), pie_mem_start, mem, 0x1000);
        ASSERT_TRUE(l) << l.error().message;
        EXPECT_EQ(l->stack_top - l->stack_low, stack_size_for(mem)) << mem;
    }
}

TEST(PlanLayout, SmallestMemoryStillWorks) {
    auto l = plan_layout(image_of(0, 0x5000), pie_mem_start, min_mem_mib * MiB, 0x1000);
    ASSERT_TRUE(l) << l.error().message;
    expect_ordered(*l);
}

// The number of MiB a "too small" message asks for.
uint64_t suggested_mib(const std::string& message) {
    auto at = message.find(" need ");
    if (at == std::string::npos) return 0;
    uint64_t mib = 0;
    std::from_chars(message.data() + at + 6, message.data() + message.size(), mib);
    return mib;
}

TEST(PlanLayout, TooSmallMemoryIsAUsageErrorSayingHowMuchIsNeeded) {
    // 20 KiB image + 8 KiB boot data + 1 MiB heap + 64 KiB gap + 256 KiB stack: 2 MiB.
    auto e = test::error_of(plan_layout(image_of(0, 0x5000), pie_mem_start, 1 * MiB, 0x1800));
    EXPECT_EQ(e.code, Exit::usage);
    EXPECT_TRUE(contains(e.message, "--mem=1 MiB is too small for this unikernel: its image (20 KiB)"));
    EXPECT_TRUE(contains(e.message, "need 2 MiB"));
    EXPECT_EQ(suggested_mib(e.message), 2u);
    EXPECT_TRUE(plan_layout(image_of(0, 0x5000), pie_mem_start, 2 * MiB, 0x1800));
}

TEST(PlanLayout, ImageLargerThanMemoryIsRefused) {
    auto e = test::error_of(plan_layout(image_of(0, 8 * MiB), pie_mem_start, 4 * MiB, 0x1000));
    EXPECT_EQ(e.code, Exit::usage);
    EXPECT_TRUE(contains(e.message, "--mem=4 MiB is too small for this unikernel: its image (8192 KiB)"));
}

TEST(PlanLayout, HeapJustUnderOneMiBIsRefused) {
    // 4 MiB: 512 KiB stack and 64 KiB gap leave 3520 KiB; an image that
    // leaves one page less than 1 MiB of heap is refused, one page more is fine.
    uint64_t mem = 4 * MiB, boot = page_size;
    uint64_t room = mem - stack_size_for(mem) - stack_guard_gap - boot - min_heap;
    EXPECT_TRUE(plan_layout(image_of(0, room), pie_mem_start, mem, boot));
    EXPECT_EQ(test::error_of(plan_layout(image_of(0, room + page_size), pie_mem_start, mem, boot)).code, Exit::usage);
}

// The stack grows with --mem (an eighth of it), so the "need N MiB" figure
// must be a size at which the stack fits too, not one that sends the user
// round again.
TEST(PlanLayout, SuggestedMemoryIsEnough) {
    for (uint64_t image_bytes : {3 * MiB, 20 * MiB, 200 * MiB}) {
        SCOPED_TRACE(fmt::format("image of {} MiB", image_bytes / MiB));
        auto image = image_of(0, image_bytes);
        auto e = test::error_of(plan_layout(image, pie_mem_start, min_mem_mib * MiB, page_size));
        uint64_t mib = suggested_mib(e.message);
        ASSERT_GT(mib, 0u) << e.message;
        auto l = plan_layout(image, pie_mem_start, mib * MiB, page_size);
        EXPECT_TRUE(l) << "the suggested --mem=" << mib << " is refused: " << l.error().message;
    }
}

} // namespace
} // namespace nabla
