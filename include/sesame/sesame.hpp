// Sesame — the whole C++ API.
#pragma once

#include "sesame/clock.hpp"
#include "sesame/content.hpp"
#include "sesame/directory.hpp"
#include "sesame/engine.hpp"
#include "sesame/identifier.hpp"
#include "sesame/model.hpp"
#include "sesame/profile.hpp"
#include "sesame/random.hpp"
#include "sesame/status.hpp"
#include "sesame/store.hpp"
#include "sesame/transport.hpp"
