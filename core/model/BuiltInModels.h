#pragma once

#include "model/ModelRegistry.h"

namespace spreadcast {

// The registry's entries, one per model folder; ModelRegistry.cpp lists them. A static library
// drops self-registering objects nobody references, so the list is explicit.
ModelDefinition shallowWaterModelDefinition();
ModelDefinition graphCastModelDefinition();

}  // namespace spreadcast
